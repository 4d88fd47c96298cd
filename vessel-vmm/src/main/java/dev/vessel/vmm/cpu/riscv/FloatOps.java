package dev.vessel.vmm.cpu.riscv;

/**
 * Decodes the F and D instructions. Registers hold raw 64-bit patterns; a single-precision value
 * is NaN-boxed (upper 32 bits all ones) and an improperly boxed one reads as the canonical NaN.
 * Any write to an f register or to fflags marks mstatus.FS dirty so that the kernel saves the
 * FP state on context switch; with FS off every F/D instruction is illegal.
 */
final class FloatOps {

    private static final long BOX = 0xffffffff00000000L;

    private FloatOps() {
    }

    static void execute(Hart h, int insn, long next) {
        if ((h.csr.mstatus & Csrs.FS) == 0) {
            throw h.illegal();
        }
        int rd = (insn >>> 7) & 31;
        int rs1 = (insn >>> 15) & 31;
        int rs2 = (insn >>> 20) & 31;
        int f3 = (insn >>> 12) & 7;
        switch (insn & 0x7f) {
            case 0x07 -> { // flw / fld
                long addr = h.x[rs1] + (insn >> 20);
                if (f3 == 2) {
                    writeS(h, rd, h.mmu.load32(addr));
                } else if (f3 == 3) {
                    writeD(h, rd, h.mmu.load64(addr));
                } else {
                    throw h.illegal();
                }
            }
            case 0x27 -> { // fsw / fsd
                long addr = h.x[rs1] + ((insn >> 25) << 5 | ((insn >>> 7) & 31));
                if (f3 == 2) {
                    h.mmu.store32(addr, (int) h.f[rs2]);
                } else if (f3 == 3) {
                    h.mmu.store64(addr, h.f[rs2]);
                } else {
                    throw h.illegal();
                }
            }
            case 0x43, 0x47, 0x4b, 0x4f -> fusedMultiplyAdd(h, insn, rd, rs1, rs2);
            default -> FloatArith.execute(h, insn, rd, rs1, rs2, f3);
        }
        h.pc = next;
    }

    private static void fusedMultiplyAdd(Hart h, int insn, int rd, int rs1, int rs2) {
        int rs3 = insn >>> 27;
        int fmt = (insn >>> 25) & 3;
        int rm = roundingMode(h, insn);
        int op = insn & 0x7f;
        boolean negateProduct = op == 0x4b || op == 0x4f;   // fnmsub, fnmadd
        boolean negateAddend = op == 0x47 || op == 0x4f;    // fmsub, fnmadd
        if (fmt == 0) {
            int a = readS(h, rs1);
            int c = readS(h, rs3);
            writeS(h, rd, Ieee754.fmaS(h, negateProduct ? a ^ 0x80000000 : a, readS(h, rs2),
                    negateAddend ? c ^ 0x80000000 : c, rm));
        } else if (fmt == 1) {
            long a = h.f[rs1];
            long c = h.f[rs3];
            writeD(h, rd, Ieee754.fmaD(h, negateProduct ? a ^ Long.MIN_VALUE : a, h.f[rs2],
                    negateAddend ? c ^ Long.MIN_VALUE : c, rm));
        } else {
            throw h.illegal();
        }
    }

    /** The instruction's rounding mode, or frm for DYN; reserved modes are illegal. */
    static int roundingMode(Hart h, int insn) {
        int rm = (insn >>> 12) & 7;
        if (rm == 7) {
            rm = h.csr.frm;
        }
        if (rm > 4) {
            throw h.illegal();
        }
        return rm;
    }

    static int readS(Hart h, int reg) {
        long v = h.f[reg];
        return (v & BOX) == BOX ? (int) v : Ieee754.CANONICAL_NAN_S;
    }

    static void writeS(Hart h, int reg, int bits) {
        h.f[reg] = BOX | (bits & 0xffffffffL);
        h.csr.mstatus |= Csrs.FS;
    }

    static void writeD(Hart h, int reg, long bits) {
        h.f[reg] = bits;
        h.csr.mstatus |= Csrs.FS;
    }
}
