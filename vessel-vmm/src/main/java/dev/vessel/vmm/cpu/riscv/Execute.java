package dev.vessel.vmm.cpu.riscv;

import java.lang.invoke.VarHandle;

/**
 * Executes one decoded 32-bit instruction (compressed ones arrive expanded, with len 2). The
 * dispatch is one switch on the major opcode; each group is a small static method so HotSpot
 * compiles and inlines them (a single huge method would exceed its compile size limit).
 * Registers are written only when rd != 0, so x0 stays zero without a reset per instruction.
 */
final class Execute {

    private Execute() {
    }

    static void execute(Hart h, int insn, long pc, int len) {
        long[] x = h.x;
        int rd = (insn >>> 7) & 31;
        int rs1 = (insn >>> 15) & 31;
        switch (insn & 0x7f) {
            case 0x13 -> { // OP-IMM
                if (rd != 0) {
                    x[rd] = IntegerOps.opImm(h, insn, x[rs1]);
                } else {
                    IntegerOps.opImm(h, insn, 0); // still validates the encoding
                }
                h.pc = pc + len;
            }
            case 0x33 -> { // OP
                long v = IntegerOps.op(h, insn, x[rs1], x[(insn >>> 20) & 31]);
                if (rd != 0) {
                    x[rd] = v;
                }
                h.pc = pc + len;
                if ((insn & 0xfff0707f) == 0x02004033) {
                    h.spinHint(); // div rd, rs1, zero: Linux 6.1's cpu_relax() inside a spin-wait
                }
            }
            case 0x03 -> load(h, insn, rd, x[rs1] + (insn >> 20), pc + len);
            case 0x23 -> store(h, insn, x[rs1] + ((insn >> 25) << 5 | ((insn >>> 7) & 31)), x[(insn >>> 20) & 31], pc + len);
            case 0x63 -> {
                if (IntegerOps.branch(h, insn, x[rs1], x[(insn >>> 20) & 31])) {
                    h.pc = pc + branchOffset(insn);
                } else {
                    h.pc = pc + len;
                }
            }
            case 0x37 -> {
                if (rd != 0) {
                    x[rd] = insn & 0xfffff000;
                }
                h.pc = pc + len;
            }
            case 0x17 -> {
                if (rd != 0) {
                    x[rd] = pc + (insn & 0xfffff000);
                }
                h.pc = pc + len;
            }
            case 0x6f -> {
                if (rd != 0) {
                    x[rd] = pc + len;
                }
                h.pc = pc + jumpOffset(insn);
            }
            case 0x67 -> {
                if (((insn >>> 12) & 7) != 0) {
                    throw h.illegal();
                }
                long target = (x[rs1] + (insn >> 20)) & ~1L;
                if (rd != 0) {
                    x[rd] = pc + len;
                }
                h.pc = target;
            }
            case 0x1b -> {
                long v = IntegerOps.opImm32(h, insn, x[rs1]);
                if (rd != 0) {
                    x[rd] = v;
                }
                h.pc = pc + len;
            }
            case 0x3b -> {
                long v = IntegerOps.op32(h, insn, x[rs1], x[(insn >>> 20) & 31]);
                if (rd != 0) {
                    x[rd] = v;
                }
                h.pc = pc + len;
            }
            case 0x0f -> { // FENCE orders this hart's RAM accesses for the others; FENCE.I: no decode cache
                int f3 = (insn >>> 12) & 7;
                if (f3 > 1) {
                    throw h.illegal();
                }
                if (f3 == 0) {
                    // Guest RAM is accessed with plain Java accesses, which the JIT and the host
                    // CPU may reorder; a full fence gives the guest's FENCE its meaning.
                    VarHandle.fullFence();
                }
                h.pc = pc + len;
                if (insn == 0x0100000f) {
                    h.spinHint(); // Zihintpause "pause", the cpu_relax() of later kernels
                }
            }
            case 0x73 -> SystemOps.execute(h, insn, pc, len);
            case 0x2f -> AtomicOps.execute(h, insn, pc + len);
            case 0x07, 0x27, 0x43, 0x47, 0x4b, 0x4f, 0x53 -> FloatOps.execute(h, insn, pc + len);
            default -> throw h.illegal();
        }
    }

    private static void load(Hart h, int insn, int rd, long addr, long next) {
        Mmu m = h.mmu;
        long v = switch ((insn >>> 12) & 7) {
            case 0 -> m.load8(addr);
            case 1 -> m.load16(addr);
            case 2 -> m.load32(addr);
            case 3 -> m.load64(addr);
            case 4 -> m.load8(addr) & 0xffL;
            case 5 -> m.load16(addr) & 0xffffL;
            case 6 -> m.load32(addr) & 0xffffffffL;
            default -> throw h.illegal();
        };
        if (rd != 0) {
            h.x[rd] = v;
        }
        h.pc = next;
    }

    private static void store(Hart h, int insn, long addr, long v, long next) {
        Mmu m = h.mmu;
        switch ((insn >>> 12) & 7) {
            case 0 -> m.store8(addr, (int) v);
            case 1 -> m.store16(addr, (int) v);
            case 2 -> m.store32(addr, (int) v);
            case 3 -> m.store64(addr, v);
            default -> throw h.illegal();
        }
        h.pc = next;
    }

    static long branchOffset(int insn) {
        return ((insn >> 31) << 12) | ((insn << 4) & 0x800) | ((insn >>> 20) & 0x7e0) | ((insn >>> 7) & 0x1e);
    }

    static long jumpOffset(int insn) {
        return ((insn >> 31) << 20) | (insn & 0xff000) | ((insn >>> 9) & 0x800) | ((insn >>> 20) & 0x7fe);
    }
}
