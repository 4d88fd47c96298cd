package dev.vessel.vmm.cpu.riscv;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * F/D conversions, comparisons, classification and min/max. Float-to-integer conversions
 * saturate and raise NV on NaN and out-of-range inputs, as the ISA specifies (NaN converts
 * to the largest positive value); integer-to-float conversions round by the given mode.
 */
final class FloatConvert {

    static final int W = 0, WU = 1, L = 2, LU = 3;
    private static final double TWO_63 = 0x1p63;

    private FloatConvert() {
    }

    /** fcvt.{w,wu,l,lu}.{s,d} of the value x (a float widened exactly, or a double). */
    static long toInteger(Hart h, double x, int kind, int rm) {
        if (Double.isNaN(x)) {
            h.csr.fflags |= Ieee754.NV;
            return switch (kind) {
                case W -> Integer.MAX_VALUE;
                case WU, LU -> -1L;
                default -> Long.MAX_VALUE;
            };
        }
        double r = roundToIntegral(x, rm);
        double min = switch (kind) {
            case W -> Integer.MIN_VALUE;
            case L -> -TWO_63;
            default -> 0;
        };
        boolean tooBig = switch (kind) {
            case W -> r > Integer.MAX_VALUE;
            case WU -> r > 0xffffffffL;
            case L -> r >= TWO_63;
            default -> r >= 0x1p64;
        };
        if (tooBig || r < min) {
            h.csr.fflags |= Ieee754.NV;
            if (r < min) {
                return kind == W ? Integer.MIN_VALUE : kind == L ? Long.MIN_VALUE : 0;
            }
            return switch (kind) {
                case W -> Integer.MAX_VALUE;
                case WU, LU -> -1L;
                default -> Long.MAX_VALUE;
            };
        }
        if (r != x) {
            h.csr.fflags |= Ieee754.NX;
        }
        return switch (kind) {
            case W -> (long) (int) r;
            case WU -> (long) (int) (long) r;
            case L -> (long) r;
            default -> r >= TWO_63 ? (long) (r - TWO_63) | Long.MIN_VALUE : (long) r;
        };
    }

    static double roundToIntegral(double x, int rm) {
        return switch (rm) {
            case Ieee754.RTZ -> x < 0 ? Math.ceil(x) : Math.floor(x);
            case Ieee754.RDN -> Math.floor(x);
            case Ieee754.RUP -> Math.ceil(x);
            case Ieee754.RMM -> {
                double a = Math.abs(x);
                double fl = Math.floor(a);
                yield Math.copySign(a - fl >= 0.5 ? fl + 1 : fl, x);
            }
            default -> Math.rint(x);
        };
    }

    /** fcvt.d.{w,wu,l,lu}: v is the register value (sign- or zero-extended already for W/WU). */
    static long toDouble(Hart h, long v, boolean unsigned, int rm) {
        if (unsigned ? (v >= 0 && v <= (1L << 53)) : Math.abs(v) <= (1L << 53)) {
            return Double.doubleToRawLongBits((double) v);
        }
        BigDecimal exact = exactInteger(v, unsigned);
        double r = exact.doubleValue();
        return Double.doubleToRawLongBits(Ieee754.exactFinishD(h, exact, r, rm));
    }

    /** fcvt.s.{w,wu,l,lu}. */
    static int toFloat(Hart h, long v, boolean unsigned, int rm) {
        if (unsigned ? (v >= 0 && v <= (1L << 53)) : Math.abs(v) <= (1L << 53)) {
            return Ieee754.finishS(h, (double) v, 0, rm);
        }
        BigDecimal exact = exactInteger(v, unsigned);
        double d = exact.doubleValue();
        return Ieee754.finishS(h, d, exact.compareTo(new BigDecimal(d)), rm);
    }

    private static BigDecimal exactInteger(long v, boolean unsigned) {
        return unsigned && v < 0 ? new BigDecimal(new BigInteger(Long.toUnsignedString(v))) : BigDecimal.valueOf(v);
    }

    /** fcvt.s.d: NaN becomes the canonical NaN, NV for a signaling one. */
    static int doubleToFloat(Hart h, long bits, int rm) {
        double x = Double.longBitsToDouble(bits);
        if (Double.isNaN(x)) {
            if (Ieee754.isSignalingD(bits)) {
                h.csr.fflags |= Ieee754.NV;
            }
            return Ieee754.CANONICAL_NAN_S;
        }
        return Ieee754.finishS(h, x, 0, rm);
    }

    /** fcvt.d.s: exact. */
    static long floatToDouble(Hart h, int bits) {
        if (Ieee754.isNaNS(bits)) {
            if (Ieee754.isSignalingS(bits)) {
                h.csr.fflags |= Ieee754.NV;
            }
            return Ieee754.CANONICAL_NAN_D;
        }
        return Double.doubleToRawLongBits(Float.intBitsToFloat(bits));
    }

    /** feq (op 2), flt (1), fle (0): NaN compares false; flt/fle signal NV on any NaN, feq only on signaling. */
    static long compare(Hart h, double x, double y, boolean signalingX, boolean signalingY, int op) {
        if (Double.isNaN(x) || Double.isNaN(y)) {
            if (op != 2 || signalingX || signalingY) {
                h.csr.fflags |= Ieee754.NV;
            }
            return 0;
        }
        boolean r = switch (op) {
            case 2 -> x == y;
            case 1 -> x < y;
            default -> x <= y;
        };
        return r ? 1 : 0;
    }

    /**
     * fmin/fmax on raw bits: a NaN operand yields the other one (NV if signaling), two NaNs the
     * canonical NaN, and -0 orders below +0. Returns which operand (0 or 1) or -1 for canonical NaN.
     */
    static int minMax(Hart h, double x, double y, boolean signalingX, boolean signalingY, boolean max) {
        if (signalingX || signalingY) {
            h.csr.fflags |= Ieee754.NV;
        }
        boolean nx = Double.isNaN(x);
        boolean ny = Double.isNaN(y);
        if (nx && ny) {
            return -1;
        }
        if (nx) {
            return 1;
        }
        if (ny) {
            return 0;
        }
        if (x == y) {
            boolean xNegative = Double.doubleToRawLongBits(x) < 0;
            return (xNegative == max) ? 1 : 0; // equal (incl. +-0): pick by sign
        }
        return (x < y) != max ? 0 : 1;
    }

    /** fclass: one bit of ten, from -inf (bit 0) to quiet NaN (bit 9). */
    static long classify(boolean negative, boolean infinite, boolean zero, boolean subnormal, boolean nan, boolean signaling) {
        if (nan) {
            return signaling ? 1 << 8 : 1 << 9;
        }
        if (infinite) {
            return negative ? 1 : 1 << 7;
        }
        if (zero) {
            return negative ? 1 << 3 : 1 << 4;
        }
        if (subnormal) {
            return negative ? 1 << 2 : 1 << 5;
        }
        return negative ? 1 << 1 : 1 << 6;
    }
}
