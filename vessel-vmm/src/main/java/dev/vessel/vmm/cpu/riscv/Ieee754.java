package dev.vessel.vmm.cpu.riscv;

import java.math.BigDecimal;

/**
 * IEEE-754 binary32/binary64 arithmetic with the five RISC-V rounding modes and exception flags.
 *
 * <p>Java computes round-to-nearest-even. Every operation here also finds the sign of the
 * rounding error (exact minus rounded) and whether the exact value was a tie: error-free
 * transformations (TwoSum, the FMA residual of a product, quotient or square root) in the
 * common case, exact {@link BigDecimal} arithmetic where those stop being exact (results near
 * the subnormal range, double-precision FMA). From the error sign the directed modes step one
 * ulp; from the tie RMM chooses the value away from zero. binary32 operations run in binary64
 * first (exact for products, correctly rounded for the rest) and are then rounded once more
 * with the error of the first step carried along, so no double-rounding error survives.
 */
final class Ieee754 {

    static final int RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RMM = 4;
    static final int NX = 1, UF = 2, OF = 4, DZ = 8, NV = 16;
    static final long CANONICAL_NAN_D = 0x7ff8000000000000L;
    static final int CANONICAL_NAN_S = 0x7fc00000;

    /** Below this magnitude the FMA residuals may underflow; the exact path is used instead. */
    private static final double TINY = 0x1p-960;

    private Ieee754() {
    }

    static boolean isSignalingD(long bits) {
        return (bits & 0x7ff0000000000000L) == 0x7ff0000000000000L && (bits & 0x000fffffffffffffL) != 0
                && (bits & 0x0008000000000000L) == 0;
    }

    static boolean isSignalingS(int bits) {
        return (bits & 0x7f800000) == 0x7f800000 && (bits & 0x007fffff) != 0 && (bits & 0x00400000) == 0;
    }

    // ---- binary64 ----------------------------------------------------------------------------

    static long addD(Hart h, long a, long b, int rm) {
        double x = Double.longBitsToDouble(a);
        double y = Double.longBitsToDouble(b);
        if (Double.isNaN(x) || Double.isNaN(y)) {
            return nanD(h, isSignalingD(a) || isSignalingD(b));
        }
        double r = x + y;
        if (Double.isNaN(r)) {
            return nanD(h, true);
        }
        if (Double.isInfinite(r)) {
            return bits(Double.isInfinite(x) || Double.isInfinite(y) ? r : finishD(h, r, r > 0 ? -1 : 1, false, rm));
        }
        double bv = r - x;
        double err = (x - (r - bv)) + (y - bv);
        if (err == 0) {
            return bits(r == 0 ? zeroSum(x, y, r, rm) : r);
        }
        return bits(finishD(h, r, err > 0 ? 1 : -1, isTie(r, err), rm));
    }

    static long mulD(Hart h, long a, long b, int rm) {
        double x = Double.longBitsToDouble(a);
        double y = Double.longBitsToDouble(b);
        if (Double.isNaN(x) || Double.isNaN(y)) {
            return nanD(h, isSignalingD(a) || isSignalingD(b));
        }
        double r = x * y;
        if (Double.isNaN(r)) {
            return nanD(h, true);
        }
        if (x == 0 || y == 0 || Double.isInfinite(x) || Double.isInfinite(y)) {
            return bits(r);
        }
        if (Double.isInfinite(r)) {
            return bits(finishD(h, r, r > 0 ? -1 : 1, false, rm));
        }
        if (Math.abs(r) < TINY) {
            return bits(exactFinishD(h, big(x).multiply(big(y)), r, rm));
        }
        double err = Math.fma(x, y, -r);
        return bits(err == 0 ? r : finishD(h, r, err > 0 ? 1 : -1, isTie(r, err), rm));
    }

    static long divD(Hart h, long a, long b, int rm) {
        double x = Double.longBitsToDouble(a);
        double y = Double.longBitsToDouble(b);
        if (Double.isNaN(x) || Double.isNaN(y)) {
            return nanD(h, isSignalingD(a) || isSignalingD(b));
        }
        double r = x / y;
        if (Double.isNaN(r)) {
            return nanD(h, true);
        }
        if (y == 0) {
            if (!Double.isInfinite(x)) {
                h.csr.fflags |= DZ;
            }
            return bits(r);
        }
        if (x == 0 || Double.isInfinite(x) || Double.isInfinite(y)) {
            return bits(r);
        }
        if (Double.isInfinite(r)) {
            return bits(finishD(h, r, r > 0 ? -1 : 1, false, rm));
        }
        if (Math.abs(r) < TINY || Math.abs(x) < TINY || Math.abs(y) < TINY) {
            // The FMA remainder could underflow. sign(x/y - r) = sign(x - r*y) * sign(y), exact in BigDecimal
            BigDecimal by = big(y);
            int s = big(x).subtract(big(r).multiply(by)).signum() * (y > 0 ? 1 : -1);
            boolean tie = false;
            if (s != 0) {
                double other = s > 0 ? Math.nextUp(r) : Math.nextDown(r);
                BigDecimal mid = big(r).add(big(other)).multiply(HALF);
                tie = mid.multiply(by).compareTo(big(x)) == 0;
            }
            return bits(s == 0 ? r : finishD(h, r, s, tie, rm));
        }
        double rem = Math.fma(-r, y, x);
        return bits(rem == 0 ? r : finishD(h, r, (rem > 0) == (y > 0) ? 1 : -1, false, rm));
    }

    static long sqrtD(Hart h, long a, int rm) {
        double x = Double.longBitsToDouble(a);
        if (Double.isNaN(x)) {
            return nanD(h, isSignalingD(a));
        }
        if (x < 0) {
            return nanD(h, true);
        }
        double r = Math.sqrt(x);
        if (x == 0 || Double.isInfinite(x)) {
            return bits(r);
        }
        int s;
        if (x < TINY) {
            s = big(x).subtract(big(r).multiply(big(r))).signum();
        } else {
            double rem = Math.fma(-r, r, x);
            s = rem == 0 ? 0 : rem > 0 ? 1 : -1;
        }
        return bits(s == 0 ? r : finishD(h, r, s, false, rm));
    }

    /** x*y+z rounded once; callers negate operands for FMSUB/FNMSUB/FNMADD. */
    static long fmaD(Hart h, long a, long b, long c, int rm) {
        double x = Double.longBitsToDouble(a);
        double y = Double.longBitsToDouble(b);
        double z = Double.longBitsToDouble(c);
        boolean infTimesZero = (Double.isInfinite(x) && y == 0) || (x == 0 && Double.isInfinite(y));
        if (Double.isNaN(x) || Double.isNaN(y) || Double.isNaN(z)) {
            return nanD(h, infTimesZero || isSignalingD(a) || isSignalingD(b) || isSignalingD(c));
        }
        double r = Math.fma(x, y, z);
        if (Double.isNaN(r)) {
            return nanD(h, true);
        }
        if (Double.isInfinite(x) || Double.isInfinite(y) || Double.isInfinite(z)) {
            return bits(r);
        }
        if (Double.isInfinite(r)) {
            return bits(finishD(h, r, r > 0 ? -1 : 1, false, rm));
        }
        BigDecimal exact = big(x).multiply(big(y)).add(big(z));
        if (exact.signum() == 0) {
            return bits(zeroSum(x * y == 0 ? x * y : 1.0, z, r, rm));
        }
        return bits(exactFinishD(h, exact, r, rm));
    }

    // ---- binary32 (computed in binary64, then rounded with the carried error) ----------------

    static int addS(Hart h, int a, int b, int rm) {
        if (isNaNS(a) || isNaNS(b)) {
            return nanS(h, isSignalingS(a) || isSignalingS(b));
        }
        double x = Float.intBitsToFloat(a);
        double y = Float.intBitsToFloat(b);
        double d = x + y;
        if (Double.isNaN(d)) {
            return nanS(h, true);
        }
        double bv = d - x;
        double err = Double.isInfinite(d) ? 0 : (x - (d - bv)) + (y - bv);
        if (d == 0 && err == 0) {
            return Float.floatToRawIntBits((float) zeroSum(x, y, d, rm));
        }
        return finishS(h, d, err == 0 ? 0 : err > 0 ? 1 : -1, rm);
    }

    static int mulS(Hart h, int a, int b, int rm) {
        if (isNaNS(a) || isNaNS(b)) {
            return nanS(h, isSignalingS(a) || isSignalingS(b));
        }
        double d = (double) Float.intBitsToFloat(a) * Float.intBitsToFloat(b);
        return Double.isNaN(d) ? nanS(h, true) : finishS(h, d, 0, rm);
    }

    static int divS(Hart h, int a, int b, int rm) {
        if (isNaNS(a) || isNaNS(b)) {
            return nanS(h, isSignalingS(a) || isSignalingS(b));
        }
        double x = Float.intBitsToFloat(a);
        double y = Float.intBitsToFloat(b);
        double d = x / y;
        if (Double.isNaN(d)) {
            return nanS(h, true);
        }
        if (y == 0 || Double.isInfinite(d) || d == 0) {
            if (y == 0 && !Double.isInfinite(x)) {
                h.csr.fflags |= DZ;
            }
            return Float.floatToRawIntBits((float) d);
        }
        double rem = Math.fma(-d, y, x);
        return finishS(h, d, rem == 0 ? 0 : (rem > 0) == (y > 0) ? 1 : -1, rm);
    }

    static int sqrtS(Hart h, int a, int rm) {
        if (isNaNS(a)) {
            return nanS(h, isSignalingS(a));
        }
        double x = Float.intBitsToFloat(a);
        if (x < 0) {
            return nanS(h, true);
        }
        double d = Math.sqrt(x);
        double rem = Double.isInfinite(x) ? 0 : Math.fma(-d, d, x);
        return finishS(h, d, rem == 0 ? 0 : rem > 0 ? 1 : -1, rm);
    }

    static int fmaS(Hart h, int a, int b, int c, int rm) {
        double x = Float.intBitsToFloat(a);
        double y = Float.intBitsToFloat(b);
        double z = Float.intBitsToFloat(c);
        boolean infTimesZero = (Double.isInfinite(x) && y == 0) || (x == 0 && Double.isInfinite(y));
        if (isNaNS(a) || isNaNS(b) || isNaNS(c)) {
            return nanS(h, infTimesZero || isSignalingS(a) || isSignalingS(b) || isSignalingS(c));
        }
        double p = x * y; // exact: 24 x 24 bits fit in 53
        double d = p + z;
        if (Double.isNaN(d)) {
            return nanS(h, true);
        }
        double bv = d - p;
        double err = Double.isInfinite(d) ? 0 : (p - (d - bv)) + (z - bv);
        if (d == 0 && err == 0) {
            return Float.floatToRawIntBits((float) zeroSum(p, z, d, rm));
        }
        return finishS(h, d, err == 0 ? 0 : err > 0 ? 1 : -1, rm);
    }

    // ---- rounding ----------------------------------------------------------------------------

    /**
     * Applies rounding mode {@code rm} to the round-to-nearest-even result {@code r} of a value
     * whose error relative to r has sign {@code err} (non-zero), raising NX/OF/UF.
     */
    static double finishD(Hart h, double r, int err, boolean tie, int rm) {
        boolean overflow = Double.isInfinite(r);
        r = direct(r, err, tie, rm);
        int flags = NX;
        if (overflow) {
            flags |= OF;
        } else if (Math.abs(r) < Double.MIN_NORMAL) {
            flags |= UF;
        }
        h.csr.fflags |= flags;
        return r;
    }

    private static double direct(double r, int err, boolean tie, int rm) {
        return switch (rm) {
            case RTZ -> (r != 0 && (err > 0) != (r > 0)) ? (r > 0 ? Math.nextDown(r) : Math.nextUp(r)) : r;
            case RDN -> err < 0 ? Math.nextDown(r) : r;
            case RUP -> err > 0 ? Math.nextUp(r) : r;
            case RMM -> (tie && (err > 0) == (r > 0)) ? (r > 0 ? Math.nextUp(r) : Math.nextDown(r)) : r;
            default -> r;
        };
    }

    /** Rounds the binary64 value d (error sign errD against the exact result) to binary32. */
    static int finishS(Hart h, double d, int errD, int rm) {
        float f = (float) d;
        int err;
        boolean tie = false;
        boolean overflow = false;
        if (Float.isInfinite(f) && !Double.isInfinite(d)) {
            overflow = true;
            err = f > 0 ? -1 : 1;
        } else if ((double) f != d) {
            err = d > f ? 1 : -1;
            float other = err > 0 ? Math.nextUp(f) : Math.nextDown(f);
            if (!Float.isInfinite(other) && (double) other - d == d - (double) f) {
                if (errD == 0) {
                    tie = true;
                } else if (errD == err) {
                    f = other; // d was a midpoint only through the first rounding: the exact value is past it
                    err = -err;
                }
            }
        } else {
            err = errD;
        }
        if (err == 0) {
            return Float.floatToRawIntBits(f);
        }
        float r = switch (rm) {
            case RTZ -> (f != 0 && (err > 0) != (f > 0)) ? (f > 0 ? Math.nextDown(f) : Math.nextUp(f)) : f;
            case RDN -> err < 0 ? Math.nextDown(f) : f;
            case RUP -> err > 0 ? Math.nextUp(f) : f;
            case RMM -> (tie && (err > 0) == (f > 0)) ? (f > 0 ? Math.nextUp(f) : Math.nextDown(f)) : f;
            default -> f;
        };
        int flags = NX;
        if (overflow) {
            flags |= OF;
        } else if (Math.abs(r) < Float.MIN_NORMAL) {
            flags |= UF;
        }
        h.csr.fflags |= flags;
        return Float.floatToRawIntBits(r);
    }

    /** Rounds an exact value whose nearest-even double is r. */
    static double exactFinishD(Hart h, BigDecimal exact, double r, int rm) {
        int s = exact.compareTo(big(r));
        if (s == 0) {
            return r;
        }
        double other = s > 0 ? Math.nextUp(r) : Math.nextDown(r);
        boolean tie = !Double.isInfinite(other) && big(r).add(big(other)).multiply(HALF).compareTo(exact) == 0;
        return finishD(h, r, s, tie, rm);
    }

    /** Sign of an exact zero sum: -0 only when both addends are -0, or in round-down mode. */
    private static double zeroSum(double x, double y, double r, int rm) {
        boolean bothNegativeZero = Double.doubleToRawLongBits(x) == Long.MIN_VALUE && Double.doubleToRawLongBits(y) == Long.MIN_VALUE;
        if (bothNegativeZero) {
            return -0.0;
        }
        boolean sameSignZeros = x == 0 && y == 0 && Math.copySign(1, x) == Math.copySign(1, y);
        return sameSignZeros ? r : (rm == RDN ? -0.0 : 0.0);
    }

    private static boolean isTie(double r, double err) {
        double other = err > 0 ? Math.nextUp(r) : Math.nextDown(r);
        return !Double.isInfinite(other) && other - r == 2 * err;
    }

    private static final BigDecimal HALF = new BigDecimal("0.5");

    static BigDecimal big(double v) {
        return new BigDecimal(v);
    }

    static boolean isNaNS(int bits) {
        return (bits & 0x7fffffff) > 0x7f800000;
    }

    private static long nanD(Hart h, boolean invalid) {
        if (invalid) {
            h.csr.fflags |= NV;
        }
        return CANONICAL_NAN_D;
    }

    private static int nanS(Hart h, boolean invalid) {
        if (invalid) {
            h.csr.fflags |= NV;
        }
        return CANONICAL_NAN_S;
    }

    private static long bits(double v) {
        return Double.doubleToRawLongBits(v);
    }
}
