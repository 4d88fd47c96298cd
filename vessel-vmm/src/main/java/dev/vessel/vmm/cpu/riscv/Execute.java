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

    /**
     * The dispatch itself stays small (a few hundred bytes of bytecode) so HotSpot inlines it
     * into the hart's loop; the groups below are small enough to be inlined into it in turn.
     */
    static void execute(Hart h, int insn, long pc, int len) {
        switch (insn & 0x7f) {
            case 0x13 -> opImm(h, insn, pc + len);
            case 0x33 -> op(h, insn, pc + len);
            case 0x03 -> load(h, insn, (insn >>> 7) & 31, h.x[(insn >>> 15) & 31] + (insn >> 20), pc + len);
            case 0x23 -> store(h, insn, h.x[(insn >>> 15) & 31] + ((insn >> 25) << 5 | ((insn >>> 7) & 31)),
                    h.x[(insn >>> 20) & 31], pc + len);
            case 0x63 -> branch(h, insn, pc, len);
            case 0x37 -> setAndContinue(h, insn, insn & 0xfffff000, pc + len);
            case 0x17 -> setAndContinue(h, insn, pc + (insn & 0xfffff000), pc + len);
            case 0x6f -> jal(h, insn, pc, len);
            case 0x67 -> jalr(h, insn, pc, len);
            case 0x1b -> setAndContinue(h, insn, IntegerOps.opImm32(h, insn, h.x[(insn >>> 15) & 31]), pc + len);
            case 0x3b -> setAndContinue(h, insn, IntegerOps.op32(h, insn, h.x[(insn >>> 15) & 31], h.x[(insn >>> 20) & 31]), pc + len);
            case 0x0f -> fence(h, insn, pc + len);
            case 0x73 -> SystemOps.execute(h, insn, pc, len);
            case 0x2f -> AtomicOps.execute(h, insn, pc + len);
            case 0x07, 0x27, 0x43, 0x47, 0x4b, 0x4f, 0x53 -> FloatOps.execute(h, insn, pc + len);
            default -> throw h.illegal();
        }
    }

    private static void setAndContinue(Hart h, int insn, long value, long next) {
        int rd = (insn >>> 7) & 31;
        if (rd != 0) {
            h.x[rd] = value;
        }
        h.pc = next;
    }

    private static void opImm(Hart h, int insn, long next) {
        long[] x = h.x;
        int rd = (insn >>> 7) & 31;
        long v = IntegerOps.opImm(h, insn, x[(insn >>> 15) & 31]); // also validates the encoding for rd = 0
        if (rd != 0) {
            x[rd] = v;
        }
        h.pc = next;
    }

    private static void op(Hart h, int insn, long next) {
        long[] x = h.x;
        int rd = (insn >>> 7) & 31;
        long v = IntegerOps.op(h, insn, x[(insn >>> 15) & 31], x[(insn >>> 20) & 31]);
        if (rd != 0) {
            x[rd] = v;
        }
        h.pc = next;
        if ((insn & 0xfff0707f) == 0x02004033) {
            h.spinHint(); // div rd, rs1, zero: Linux 6.1's cpu_relax() inside a spin-wait
        }
    }

    private static void branch(Hart h, int insn, long pc, int len) {
        long[] x = h.x;
        h.pc = IntegerOps.branch(h, insn, x[(insn >>> 15) & 31], x[(insn >>> 20) & 31]) ? pc + branchOffset(insn) : pc + len;
    }

    private static void jal(Hart h, int insn, long pc, int len) {
        int rd = (insn >>> 7) & 31;
        if (rd != 0) {
            h.x[rd] = pc + len;
        }
        h.pc = pc + jumpOffset(insn);
    }

    private static void jalr(Hart h, int insn, long pc, int len) {
        if (((insn >>> 12) & 7) != 0) {
            throw h.illegal();
        }
        long target = (h.x[(insn >>> 15) & 31] + (insn >> 20)) & ~1L;
        int rd = (insn >>> 7) & 31;
        if (rd != 0) {
            h.x[rd] = pc + len;
        }
        h.pc = target;
    }

    private static void fence(Hart h, int insn, long next) {
        int f3 = (insn >>> 12) & 7;
        if (f3 > 1) {
            throw h.illegal();
        }
        if (f3 == 0) {
            // Guest RAM is accessed with plain Java accesses, which the JIT and the host CPU may
            // reorder; a full fence gives the guest's FENCE its meaning. FENCE.I needs nothing:
            // instructions are fetched from RAM every time, there is no decoded-code cache.
            VarHandle.fullFence();
        }
        h.pc = next;
        if (insn == 0x0100000f) {
            h.spinHint(); // Zihintpause "pause", the cpu_relax() of later kernels
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
