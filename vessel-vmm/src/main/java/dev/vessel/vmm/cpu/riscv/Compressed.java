package dev.vessel.vmm.cpu.riscv;

/**
 * The C extension as a table: every 16-bit parcel maps to the 32-bit instruction it stands for,
 * so the interpreter executes one set of operations and pays one array load per compressed
 * instruction. Reserved and illegal encodings map to 0, which no 32-bit instruction uses.
 */
final class Compressed {

    private static final int[] EXPANDED = new int[1 << 16];

    static {
        for (int c = 0; c < EXPANDED.length; c++) {
            EXPANDED[c] = (c & 3) == 3 ? 0 : expand(c);
        }
    }

    private Compressed() {
    }

    /** The 32-bit equivalent of {@code parcel} (low 16 bits), or 0 when it is illegal. */
    static int expand16(int parcel) {
        return EXPANDED[parcel & 0xffff];
    }

    static int expand(int c) {
        int op = c & 3;
        int f3 = (c >>> 13) & 7;
        int rdp = 8 + ((c >>> 2) & 7);   // rd' / rs2'
        int rs1p = 8 + ((c >>> 7) & 7);  // rs1' / rd'
        int rd = (c >>> 7) & 31;
        int rs2 = (c >>> 2) & 31;
        return switch (op) {
            case 0 -> quadrant0(c, f3, rdp, rs1p);
            case 1 -> quadrant1(c, f3, rd, rdp, rs1p);
            default -> quadrant2(c, f3, rd, rs2);
        };
    }

    private static int quadrant0(int c, int f3, int rdp, int rs1p) {
        int uimmD = ((c >>> 7) & 0x38) | ((c << 1) & 0xc0);          // [5:3] [7:6]
        int uimmW = ((c >>> 7) & 0x38) | ((c >>> 4) & 4) | ((c << 1) & 0x40); // [5:3] [2] [6]
        return switch (f3) {
            case 0 -> {
                int imm = ((c >>> 7) & 0x30) | ((c >>> 1) & 0x3c0) | ((c >>> 4) & 4) | ((c >>> 2) & 8);
                yield imm == 0 ? 0 : iType(imm, 2, 0, rdp, 0x13);           // c.addi4spn
            }
            case 1 -> iType(uimmD, rs1p, 3, rdp, 0x07);                     // c.fld
            case 2 -> iType(uimmW, rs1p, 2, rdp, 0x03);                     // c.lw
            case 3 -> iType(uimmD, rs1p, 3, rdp, 0x03);                     // c.ld
            case 5 -> sType(uimmD, rdp, rs1p, 3, 0x27);                     // c.fsd
            case 6 -> sType(uimmW, rdp, rs1p, 2, 0x23);                     // c.sw
            case 7 -> sType(uimmD, rdp, rs1p, 3, 0x23);                     // c.sd
            default -> 0;
        };
    }

    private static int quadrant1(int c, int f3, int rd, int rdp, int rs1p) {
        int imm6 = signExtend(((c >>> 7) & 0x20) | ((c >>> 2) & 0x1f), 6);
        return switch (f3) {
            case 0 -> iType(imm6, rd, 0, rd, 0x13);                          // c.addi / c.nop
            case 1 -> rd == 0 ? 0 : iType(imm6, rd, 0, rd, 0x1b);            // c.addiw
            case 2 -> iType(imm6, 0, 0, rd, 0x13);                           // c.li
            case 3 -> {
                if (rd == 2) {                                               // c.addi16sp
                    int imm = ((c >>> 3) & 0x200) | ((c >>> 2) & 0x10) | ((c << 1) & 0x40)
                            | ((c << 4) & 0x180) | ((c << 3) & 0x20);
                    imm = signExtend(imm, 10);
                    yield imm == 0 ? 0 : iType(imm, 2, 0, 2, 0x13);
                }
                yield imm6 == 0 ? 0 : (imm6 << 12) | (rd << 7) | 0x37;       // c.lui
            }
            case 4 -> misc(c, rs1p, rdp, imm6);
            case 5 -> jType(cjOffset(c), 0);                                 // c.j
            case 6 -> bType(cbOffset(c), 0, rs1p, 0);                        // c.beqz
            default -> bType(cbOffset(c), 0, rs1p, 1);                       // c.bnez
        };
    }

    private static int misc(int c, int rd, int rs2, int imm6) {
        int shamt = ((c >>> 7) & 0x20) | ((c >>> 2) & 0x1f);
        return switch ((c >>> 10) & 3) {
            case 0 -> iType(shamt, rd, 5, rd, 0x13);                         // c.srli
            case 1 -> iType(shamt | 0x400, rd, 5, rd, 0x13);                 // c.srai
            case 2 -> iType(imm6, rd, 7, rd, 0x13);                          // c.andi
            default -> {
                int sub = (c >>> 5) & 3;
                if ((c & 0x1000) == 0) {
                    yield switch (sub) {
                        case 0 -> rType(0x20, rs2, rd, 0, rd, 0x33);         // c.sub
                        case 1 -> rType(0, rs2, rd, 4, rd, 0x33);            // c.xor
                        case 2 -> rType(0, rs2, rd, 6, rd, 0x33);            // c.or
                        default -> rType(0, rs2, rd, 7, rd, 0x33);           // c.and
                    };
                }
                yield switch (sub) {
                    case 0 -> rType(0x20, rs2, rd, 0, rd, 0x3b);             // c.subw
                    case 1 -> rType(0, rs2, rd, 0, rd, 0x3b);                // c.addw
                    default -> 0;
                };
            }
        };
    }

    private static int quadrant2(int c, int f3, int rd, int rs2) {
        int shamt = ((c >>> 7) & 0x20) | ((c >>> 2) & 0x1f);
        int ldsp = ((c >>> 7) & 0x20) | ((c >>> 2) & 0x18) | ((c << 4) & 0x1c0);
        int lwsp = ((c >>> 7) & 0x20) | ((c >>> 2) & 0x1c) | ((c << 4) & 0xc0);
        int sdsp = ((c >>> 7) & 0x38) | ((c >>> 1) & 0x1c0);
        int swsp = ((c >>> 7) & 0x3c) | ((c >>> 1) & 0xc0);
        return switch (f3) {
            case 0 -> iType(shamt, rd, 1, rd, 0x13);                         // c.slli
            case 1 -> iType(ldsp, 2, 3, rd, 0x07);                           // c.fldsp
            case 2 -> rd == 0 ? 0 : iType(lwsp, 2, 2, rd, 0x03);             // c.lwsp
            case 3 -> rd == 0 ? 0 : iType(ldsp, 2, 3, rd, 0x03);             // c.ldsp
            case 4 -> {
                if ((c & 0x1000) == 0) {
                    if (rs2 == 0) {
                        yield rd == 0 ? 0 : iType(0, rd, 0, 0, 0x67);         // c.jr
                    }
                    yield rType(0, rs2, 0, 0, rd, 0x33);                     // c.mv
                }
                if (rs2 == 0) {
                    yield rd == 0 ? 0x00100073 : iType(0, rd, 0, 1, 0x67);   // c.ebreak / c.jalr
                }
                yield rType(0, rs2, rd, 0, rd, 0x33);                        // c.add
            }
            case 5 -> sType(sdsp, rs2, 2, 3, 0x27);                          // c.fsdsp
            case 6 -> sType(swsp, rs2, 2, 2, 0x23);                          // c.swsp
            default -> sType(sdsp, rs2, 2, 3, 0x23);                         // c.sdsp
        };
    }

    private static int cjOffset(int c) {
        int imm = ((c >>> 1) & 0x800) | ((c << 2) & 0x400) | ((c >>> 1) & 0x300) | ((c << 1) & 0x80)
                | ((c >>> 1) & 0x40) | ((c << 3) & 0x20) | ((c >>> 7) & 0x10) | ((c >>> 2) & 0xe);
        return signExtend(imm, 12);
    }

    private static int cbOffset(int c) {
        int imm = ((c >>> 4) & 0x100) | ((c << 1) & 0xc0) | ((c << 3) & 0x20) | ((c >>> 7) & 0x18) | ((c >>> 2) & 6);
        return signExtend(imm, 9);
    }

    private static int signExtend(int v, int bits) {
        return (v << (32 - bits)) >> (32 - bits);
    }

    private static int iType(int imm, int rs1, int f3, int rd, int opcode) {
        return (imm << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opcode;
    }

    private static int sType(int imm, int rs2, int rs1, int f3, int opcode) {
        return ((imm >> 5) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 31) << 7) | opcode;
    }

    private static int rType(int f7, int rs2, int rs1, int f3, int rd, int opcode) {
        return (f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opcode;
    }

    private static int bType(int imm, int rs2, int rs1, int f3) {
        return (((imm >> 12) & 1) << 31) | (((imm >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15)
                | (f3 << 12) | (((imm >> 1) & 0xf) << 8) | (((imm >> 11) & 1) << 7) | 0x63;
    }

    private static int jType(int imm, int rd) {
        return (((imm >> 20) & 1) << 31) | (((imm >> 1) & 0x3ff) << 21) | (((imm >> 11) & 1) << 20)
                | (((imm >> 12) & 0xff) << 12) | (rd << 7) | 0x6f;
    }
}
