package dev.vessel.vmm.cpu.riscv;

/** The SYSTEM opcode: environment calls, xRET, WFI, SFENCE.VMA and the Zicsr instructions. */
final class SystemOps {

    private SystemOps() {
    }

    static void execute(Hart h, int insn, long pc, int len) {
        int f3 = (insn >>> 12) & 7;
        if (f3 == 0) {
            privileged(h, insn, pc, len);
        } else if (f3 == 4) {
            throw h.illegal();
        } else {
            csrInstruction(h, insn, f3);
            h.pc = pc + len;
        }
    }

    private static void privileged(Hart h, int insn, long pc, int len) {
        if (insn == 0x00000073) {
            throw h.trap.set(h.priv == 3 ? Trap.ECALL_M : h.priv == 1 ? Trap.ECALL_S : Trap.ECALL_U, 0);
        }
        if (insn == 0x00100073) {
            throw h.trap.set(Trap.BREAKPOINT, pc);
        }
        if (insn == 0x30200073) {
            if (h.priv != 3) {
                throw h.illegal();
            }
            TrapEntry.mret(h);
            return;
        }
        if (insn == 0x10200073) {
            if (h.priv == 0 || (h.priv == 1 && (h.csr.mstatus & Csrs.TSR) != 0)) {
                throw h.illegal();
            }
            TrapEntry.sret(h);
            return;
        }
        if (insn == 0x10500073) {
            if (h.priv == 0 || (h.priv == 1 && (h.csr.mstatus & Csrs.TW) != 0)) {
                throw h.illegal();
            }
            h.pc = pc + len;
            h.waiting = true;
            h.breakBlock = true;
            return;
        }
        if ((insn & 0xfe007fff) == 0x12000073) { // sfence.vma rs1, rs2
            if (h.priv == 0 || (h.priv == 1 && (h.csr.mstatus & Csrs.TVM) != 0)) {
                throw h.illegal();
            }
            int rs1 = (insn >>> 15) & 31;
            if (rs1 == 0) {
                h.mmu.flushAll();
            } else {
                h.mmu.flushPage(h.x[rs1]);
            }
            h.pc = pc + len;
            h.breakBlock = true; // the block caches its instruction page's translation
            return;
        }
        throw h.illegal();
    }

    private static void csrInstruction(Hart h, int insn, int f3) {
        int csr = insn >>> 20;
        int rd = (insn >>> 7) & 31;
        int rs1 = (insn >>> 15) & 31;
        int kind = f3 & 3;                               // 1 write, 2 set, 3 clear
        long src = f3 >= 5 ? rs1 : h.x[rs1];
        boolean write = kind == 1 || rs1 != 0;
        if (((csr >>> 8) & 3) > h.priv || (write && (csr >>> 10) == 3)) {
            throw h.illegal();
        }
        if (csr <= 3 && (h.csr.mstatus & Csrs.FS) == 0) {
            throw h.illegal();                            // FP CSRs are off with the FPU
        }
        long old = (kind != 1 || rd != 0) ? h.csr.read(csr, h.priv) : 0;
        if (write) {
            long value = kind == 1 ? src : kind == 2 ? old | src : old & ~src;
            h.csr.write(csr, value, h.priv);
        }
        if (rd != 0) {
            h.x[rd] = old;
        }
    }
}
