package dev.vessel.vmm.cpu.riscv;

/**
 * The OP-FP major opcode: arithmetic, sign injection, min/max, comparisons, conversions, moves
 * and fclass, for single (fmt 0) and double (fmt 1) precision. Every instruction here may set
 * fflags, so each one marks the FP state dirty (allowed: Dirty may be set conservatively).
 */
final class FloatArith {

    private FloatArith() {
    }

    static void execute(Hart h, int insn, int rd, int rs1, int rs2, int f3) {
        int fmt = (insn >>> 25) & 3;
        if (fmt > 1) {
            throw h.illegal();
        }
        boolean single = fmt == 0;
        int funct5 = insn >>> 27;
        h.csr.mstatus |= Csrs.FS;
        switch (funct5) {
            case 0x00, 0x01, 0x02, 0x03 -> arithmetic(h, insn, funct5, single, rd, rs1, rs2);
            case 0x0b -> {
                if (rs2 != 0) {
                    throw h.illegal();
                }
                int rm = FloatOps.roundingMode(h, insn);
                if (single) {
                    FloatOps.writeS(h, rd, Ieee754.sqrtS(h, FloatOps.readS(h, rs1), rm));
                } else {
                    FloatOps.writeD(h, rd, Ieee754.sqrtD(h, h.f[rs1], rm));
                }
            }
            case 0x04 -> signInjection(h, single, rd, rs1, rs2, f3);
            case 0x05 -> minMax(h, single, rd, rs1, rs2, f3);
            case 0x08 -> {
                int rm = FloatOps.roundingMode(h, insn);
                if (single && rs2 == 1) {
                    FloatOps.writeS(h, rd, FloatConvert.doubleToFloat(h, h.f[rs1], rm));
                } else if (!single && rs2 == 0) {
                    FloatOps.writeD(h, rd, FloatConvert.floatToDouble(h, FloatOps.readS(h, rs1)));
                } else {
                    throw h.illegal();
                }
            }
            case 0x14 -> {
                if (f3 > 2) {
                    throw h.illegal();
                }
                long r = single
                        ? FloatConvert.compare(h, Float.intBitsToFloat(FloatOps.readS(h, rs1)), Float.intBitsToFloat(FloatOps.readS(h, rs2)),
                                Ieee754.isSignalingS(FloatOps.readS(h, rs1)), Ieee754.isSignalingS(FloatOps.readS(h, rs2)), f3)
                        : FloatConvert.compare(h, Double.longBitsToDouble(h.f[rs1]), Double.longBitsToDouble(h.f[rs2]),
                                Ieee754.isSignalingD(h.f[rs1]), Ieee754.isSignalingD(h.f[rs2]), f3);
                setX(h, rd, r);
            }
            case 0x18 -> {
                if (rs2 > 3) {
                    throw h.illegal();
                }
                int rm = FloatOps.roundingMode(h, insn);
                double v = single ? floatValue(FloatOps.readS(h, rs1)) : Double.longBitsToDouble(h.f[rs1]);
                setX(h, rd, FloatConvert.toInteger(h, v, rs2, rm));
            }
            case 0x1a -> {
                if (rs2 > 3) {
                    throw h.illegal();
                }
                int rm = FloatOps.roundingMode(h, insn);
                long v = h.x[rs1];
                boolean unsigned = (rs2 & 1) != 0;
                if (rs2 < 2) {
                    v = unsigned ? v & 0xffffffffL : (int) v;
                }
                if (single) {
                    FloatOps.writeS(h, rd, FloatConvert.toFloat(h, v, unsigned, rm));
                } else {
                    FloatOps.writeD(h, rd, FloatConvert.toDouble(h, v, unsigned, rm));
                }
            }
            case 0x1c -> {
                if (rs2 != 0 || f3 > 1) {
                    throw h.illegal();
                }
                if (f3 == 0) {
                    setX(h, rd, single ? (int) h.f[rs1] : h.f[rs1]);   // fmv.x.w sign-extends, no unboxing
                } else {
                    setX(h, rd, single ? classifyS(FloatOps.readS(h, rs1)) : classifyD(h.f[rs1]));
                }
            }
            case 0x1e -> {
                if (rs2 != 0 || f3 != 0) {
                    throw h.illegal();
                }
                if (single) {
                    FloatOps.writeS(h, rd, (int) h.x[rs1]);
                } else {
                    FloatOps.writeD(h, rd, h.x[rs1]);
                }
            }
            default -> throw h.illegal();
        }
    }

    private static void arithmetic(Hart h, int insn, int op, boolean single, int rd, int rs1, int rs2) {
        int rm = FloatOps.roundingMode(h, insn);
        if (single) {
            int a = FloatOps.readS(h, rs1);
            int b = FloatOps.readS(h, rs2);
            FloatOps.writeS(h, rd, switch (op) {
                case 0 -> Ieee754.addS(h, a, b, rm);
                case 1 -> Ieee754.addS(h, a, b ^ 0x80000000, rm);
                case 2 -> Ieee754.mulS(h, a, b, rm);
                default -> Ieee754.divS(h, a, b, rm);
            });
        } else {
            long a = h.f[rs1];
            long b = h.f[rs2];
            FloatOps.writeD(h, rd, switch (op) {
                case 0 -> Ieee754.addD(h, a, b, rm);
                case 1 -> Ieee754.addD(h, a, b ^ Long.MIN_VALUE, rm);
                case 2 -> Ieee754.mulD(h, a, b, rm);
                default -> Ieee754.divD(h, a, b, rm);
            });
        }
    }

    private static void signInjection(Hart h, boolean single, int rd, int rs1, int rs2, int f3) {
        if (f3 > 2) {
            throw h.illegal();
        }
        if (single) {
            int a = FloatOps.readS(h, rs1);
            int b = FloatOps.readS(h, rs2);
            int sign = switch (f3) {
                case 0 -> b;
                case 1 -> ~b;
                default -> a ^ b;
            };
            FloatOps.writeS(h, rd, (a & 0x7fffffff) | (sign & 0x80000000));
        } else {
            long a = h.f[rs1];
            long b = h.f[rs2];
            long sign = switch (f3) {
                case 0 -> b;
                case 1 -> ~b;
                default -> a ^ b;
            };
            FloatOps.writeD(h, rd, (a & Long.MAX_VALUE) | (sign & Long.MIN_VALUE));
        }
    }

    private static void minMax(Hart h, boolean single, int rd, int rs1, int rs2, int f3) {
        if (f3 > 1) {
            throw h.illegal();
        }
        if (single) {
            int a = FloatOps.readS(h, rs1);
            int b = FloatOps.readS(h, rs2);
            int pick = FloatConvert.minMax(h, floatValue(a), floatValue(b), Ieee754.isSignalingS(a), Ieee754.isSignalingS(b), f3 == 1);
            FloatOps.writeS(h, rd, pick < 0 ? Ieee754.CANONICAL_NAN_S : pick == 0 ? a : b);
        } else {
            long a = h.f[rs1];
            long b = h.f[rs2];
            int pick = FloatConvert.minMax(h, Double.longBitsToDouble(a), Double.longBitsToDouble(b),
                    Ieee754.isSignalingD(a), Ieee754.isSignalingD(b), f3 == 1);
            FloatOps.writeD(h, rd, pick < 0 ? Ieee754.CANONICAL_NAN_D : pick == 0 ? a : b);
        }
    }

    /** The value of single-precision bits; NaNs (whatever their payload) become a double NaN. */
    private static double floatValue(int bits) {
        return Ieee754.isNaNS(bits) ? Double.NaN : Float.intBitsToFloat(bits);
    }

    private static long classifyS(int b) {
        int exp = (b >>> 23) & 0xff;
        int frac = b & 0x7fffff;
        return FloatConvert.classify(b < 0, exp == 0xff && frac == 0, exp == 0 && frac == 0, exp == 0 && frac != 0,
                exp == 0xff && frac != 0, Ieee754.isSignalingS(b));
    }

    private static long classifyD(long b) {
        long exp = (b >>> 52) & 0x7ff;
        long frac = b & 0xfffffffffffffL;
        return FloatConvert.classify(b < 0, exp == 0x7ff && frac == 0, exp == 0 && frac == 0, exp == 0 && frac != 0,
                exp == 0x7ff && frac != 0, Ieee754.isSignalingD(b));
    }

    private static void setX(Hart h, int rd, long v) {
        if (rd != 0) {
            h.x[rd] = v;
        }
    }
}
