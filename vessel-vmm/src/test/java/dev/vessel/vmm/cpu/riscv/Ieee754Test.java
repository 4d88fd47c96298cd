package dev.vessel.vmm.cpu.riscv;

import dev.vessel.vmm.bus.MmioBus;
import dev.vessel.vmm.memory.GuestMemory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Random operands through add, sub, mul, div and fma in both precisions and all five rounding
 * modes, checked against an independent reference: the exact result as a fraction of
 * BigIntegers, rounded by textbook integer arithmetic (no floating point involved).
 */
class Ieee754Test {

    private static final int CASES = 5000;
    private static GuestMemory memory;
    private static Hart hart;

    @BeforeAll
    static void hart() {
        memory = new GuestMemory(0x8000_0000L, 1 << 20);
        hart = new Hart(0, memory, new MmioBus(), new TimeBase(), new HartHost() {
            public boolean supervisorCall(Hart h) {
                return false;
            }

            public boolean firmwareless() {
                return false;
            }

            public void fatal(Hart h, String message, Throwable cause) {
            }
        });
    }

    @AfterAll
    static void close() {
        memory.close();
    }

    @Test
    void doublePrecisionMatchesExactRounding() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < CASES; i++) {
            long a = randomDouble(random);
            long b = random.nextInt(4) == 0 ? a ^ (random.nextLong() & 0xfffffL) : randomDouble(random);
            long c = randomDouble(random);
            for (int mode = 0; mode <= 4; mode++) {
                int rm = mode;
                Frac fa = Frac.of(a, false), fb = Frac.of(b, false), fc = Frac.of(c, false);
                check("add", a, b, rm, false, fa.add(fb), () -> Ieee754.addD(hart, a, b, rm));
                check("mul", a, b, rm, false, fa.mul(fb), () -> Ieee754.mulD(hart, a, b, rm));
                if (fb.num.signum() != 0) {
                    check("div", a, b, rm, false, fa.div(fb), () -> Ieee754.divD(hart, a, b, rm));
                }
                check("fma", a, b, rm, false, fa.mul(fb).add(fc), () -> Ieee754.fmaD(hart, a, b, c, rm));
            }
        }
    }

    @Test
    void singlePrecisionMatchesExactRounding() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < CASES; i++) {
            int a = randomFloat(random);
            int b = random.nextInt(4) == 0 ? a ^ (random.nextInt() & 0xff) : randomFloat(random);
            int c = randomFloat(random);
            for (int mode = 0; mode <= 4; mode++) {
                int rm = mode;
                Frac fa = Frac.of(a, true), fb = Frac.of(b, true), fc = Frac.of(c, true);
                check("add.s", a, b, rm, true, fa.add(fb), () -> Ieee754.addS(hart, a, b, rm) & 0xffffffffL);
                check("mul.s", a, b, rm, true, fa.mul(fb), () -> Ieee754.mulS(hart, a, b, rm) & 0xffffffffL);
                if (fb.num.signum() != 0) {
                    check("div.s", a, b, rm, true, fa.div(fb), () -> Ieee754.divS(hart, a, b, rm) & 0xffffffffL);
                }
                check("fma.s", a, b, rm, true, fa.mul(fb).add(fc), () -> Ieee754.fmaS(hart, a, b, c, rm) & 0xffffffffL);
            }
        }
    }

    @Test
    void conversionsMatchExactRounding() {
        SplittableRandom random = new SplittableRandom(3);
        java.math.RoundingMode[] modes = {java.math.RoundingMode.HALF_EVEN, java.math.RoundingMode.DOWN,
                java.math.RoundingMode.FLOOR, java.math.RoundingMode.CEILING, java.math.RoundingMode.HALF_UP};
        for (int i = 0; i < CASES; i++) {
            long v = random.nextLong() >> random.nextInt(64);
            long d = randomDouble(random);
            for (int mode = 0; mode <= 4; mode++) {
                int rm = mode;
                Frac exact = new Frac(BigInteger.valueOf(v), BigInteger.ONE);
                check("fcvt.d.l", v, 0, rm, false, exact, () -> FloatConvert.toDouble(hart, v, false, rm));
                check("fcvt.s.l", v, 0, rm, true, exact, () -> FloatConvert.toFloat(hart, v, false, rm) & 0xffffffffL);
                Frac unsigned = new Frac(new BigInteger(Long.toUnsignedString(v)), BigInteger.ONE);
                check("fcvt.s.lu", v, 0, rm, true, unsigned, () -> FloatConvert.toFloat(hart, v, true, rm) & 0xffffffffL);
                check("fcvt.s.d", d, 0, rm, true, Frac.of(d, false), () -> FloatConvert.doubleToFloat(hart, d, rm) & 0xffffffffL);
                // fcvt.l.d: saturating, against BigDecimal's own integer rounding
                double x = Double.longBitsToDouble(d) / Math.scalb(1.0, random.nextInt(0, 1100));
                java.math.BigDecimal integral = new java.math.BigDecimal(x).setScale(0, modes[rm]);
                long expected = integral.compareTo(new java.math.BigDecimal(Long.MAX_VALUE)) > 0 ? Long.MAX_VALUE
                        : integral.compareTo(new java.math.BigDecimal(Long.MIN_VALUE)) < 0 ? Long.MIN_VALUE : integral.longValueExact();
                hart.csr.fflags = 0;
                assertEquals(expected, FloatConvert.toInteger(hart, x, FloatConvert.L, rm), "fcvt.l.d " + x + " rm=" + rm);
            }
        }
    }

    private void check(String op, long a, long b, int rm, boolean single, Frac exact, java.util.function.LongSupplier actual) {
        if (exact.num.signum() == 0) {
            return; // exact zeros: sign rules are covered by the assembled tests
        }
        long[] expected = round(exact, rm, single);
        hart.csr.fflags = 0;
        long bits = actual.getAsLong();
        int flags = hart.csr.fflags;
        String where = String.format("%s rm=%d a=%x b=%x", op, rm, a, b);
        assertEquals(Long.toHexString(expected[0]), Long.toHexString(bits), where);
        long minNormal = single ? 0x00800000L : 0x0010000000000000L;
        long magnitude = bits & (single ? 0x7fffffffL : Long.MAX_VALUE);
        int mask = magnitude == minNormal ? ~Ieee754.UF : -1; // tininess at the boundary is not modelled
        assertEquals(expected[1] & mask, flags & mask, where + " flags");
    }

    /** Rounds num/den to binary32/64 by mode; returns {bits, flags}. */
    static long[] round(Frac f, int rm, boolean single) {
        int p = single ? 24 : 53;
        int emin = single ? -126 : -1022;
        int emax = single ? 127 : 1023;
        boolean negative = f.num.signum() * f.den.signum() < 0;
        BigInteger num = f.num.abs();
        BigInteger den = f.den.abs();
        int e = num.bitLength() - den.bitLength();
        if (compareScaled(num, den, e) < 0) {
            e--;
        }
        e = Math.max(e, emin);
        int shift = p - 1 - e; // value * 2^shift has p significant bits
        BigInteger n = shift >= 0 ? num.shiftLeft(shift) : num;
        BigInteger d = shift >= 0 ? den : den.shiftLeft(-shift);
        BigInteger[] qr = n.divideAndRemainder(d);
        BigInteger q = qr[0];
        int half = qr[1].shiftLeft(1).compareTo(d);
        boolean inexact = qr[1].signum() != 0;
        boolean up = inexact && switch (rm) {
            case 0 -> half > 0 || (half == 0 && q.testBit(0));
            case 1 -> false;
            case 2 -> negative;
            case 3 -> !negative;
            default -> half >= 0;
        };
        if (up) {
            q = q.add(BigInteger.ONE);
        }
        if (q.bitLength() > p) {
            q = q.shiftRight(1);
            e++;
        }
        long flags = inexact ? Ieee754.NX : 0;
        long mag;
        int exponentBits = single ? 8 : 11;
        if (e > emax) {
            flags |= Ieee754.OF | Ieee754.NX;
            boolean toInfinity = rm == 0 || rm == 4 || (rm == 2 && negative) || (rm == 3 && !negative);
            long inf = ((1L << exponentBits) - 1) << (p - 1);
            mag = toInfinity ? inf : inf - 1;
        } else if (q.bitLength() < p) {
            mag = q.longValue(); // subnormal
            if (inexact) {
                flags |= Ieee754.UF;
            }
        } else {
            mag = ((long) (e - emin + 1) << (p - 1)) | (q.longValue() & ((1L << (p - 1)) - 1));
        }
        long sign = negative ? 1L << (single ? 31 : 63) : 0;
        return new long[] {mag | sign, flags};
    }

    private static int compareScaled(BigInteger num, BigInteger den, int e) {
        return e >= 0 ? num.compareTo(den.shiftLeft(e)) : num.shiftLeft(-e).compareTo(den);
    }

    /** An exact rational. */
    record Frac(BigInteger num, BigInteger den) {
        static Frac of(long bits, boolean single) {
            int p = single ? 24 : 53;
            int bias = single ? 127 : 1023;
            long exp = single ? (bits >>> 23) & 0xff : (bits >>> 52) & 0x7ff;
            long frac = bits & ((1L << (p - 1)) - 1);
            boolean negative = single ? (bits & 0x80000000L) != 0 : bits < 0;
            long m = exp == 0 ? frac : frac | (1L << (p - 1));
            int e = (int) (exp == 0 ? 1 : exp) - bias - (p - 1);
            BigInteger n = BigInteger.valueOf(negative ? -m : m);
            return e >= 0 ? new Frac(n.shiftLeft(e), BigInteger.ONE) : new Frac(n, BigInteger.ONE.shiftLeft(-e));
        }

        Frac add(Frac o) {
            return new Frac(num.multiply(o.den).add(o.num.multiply(den)), den.multiply(o.den));
        }

        Frac mul(Frac o) {
            return new Frac(num.multiply(o.num), den.multiply(o.den));
        }

        Frac div(Frac o) {
            return new Frac(num.multiply(o.den), den.multiply(o.num));
        }
    }

    /** Finite doubles over the whole range, biased towards nearby exponents and subnormals. */
    private static long randomDouble(SplittableRandom r) {
        long sign = r.nextBoolean() ? Long.MIN_VALUE : 0;
        long exp = switch (r.nextInt(5)) {
            case 0 -> 0;                              // subnormal
            case 1 -> r.nextLong(1, 0x7ff);           // anywhere
            case 2 -> r.nextLong(0x7f0, 0x7ff);       // near overflow
            case 3 -> r.nextLong(1, 0x40);            // near underflow
            default -> r.nextLong(0x3f0, 0x410);      // ordinary magnitudes
        };
        return sign | (exp << 52) | (r.nextLong() & 0xfffffffffffffL);
    }

    private static int randomFloat(SplittableRandom r) {
        int sign = r.nextBoolean() ? 0x80000000 : 0;
        int exp = switch (r.nextInt(5)) {
            case 0 -> 0;
            case 1 -> r.nextInt(1, 0xff);
            case 2 -> r.nextInt(0xf0, 0xff);
            case 3 -> r.nextInt(1, 0x20);
            default -> r.nextInt(0x70, 0x90);
        };
        return sign | (exp << 23) | (r.nextInt() & 0x7fffff);
    }
}
