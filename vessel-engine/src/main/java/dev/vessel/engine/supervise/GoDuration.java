package dev.vessel.engine.supervise;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Map;

/**
 * Durations in Go's syntax ({@code time.ParseDuration} and {@code Duration.String}), because
 * that is what users type after {@code --health-interval} and what Docker prints in messages
 * such as "Health check exceeded timeout (30s)".
 */
final class GoDuration {

    private static final Map<String, Long> UNIT_NANOS = Map.of(
            "ns", 1L, "us", 1_000L, "\u00b5s", 1_000L, "\u03bcs", 1_000L,
            "ms", 1_000_000L, "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L);

    // Go's Duration is an int64 of nanoseconds; a longer value is an error there, so here too.
    private static final BigInteger MAX_NANOS = BigInteger.valueOf(Long.MAX_VALUE);
    private static final BigInteger MIN_NANOS = BigInteger.valueOf(Long.MIN_VALUE);

    private GoDuration() {}

    /**
     * Parses {@code [-+]?([0-9]*(\.[0-9]*)?unit)+}, or a bare {@code 0}.
     *
     * @throws IllegalArgumentException saying what is wrong with {@code text}
     */
    static Duration parse(String text) {
        String s = text;
        boolean negative = false;
        if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            negative = s.charAt(0) == '-';
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty duration");
        }
        BigDecimal nanos = BigDecimal.ZERO;
        int i = 0;
        while (i < s.length()) {
            int numberStart = i;
            while (i < s.length() && isNumberChar(s.charAt(i))) {
                i++;
            }
            String number = s.substring(numberStart, i);
            // Go accepts "1.s" and ".5s" but not "." or "1.2.3s".
            if (number.isEmpty() || number.equals(".") || number.indexOf('.') != number.lastIndexOf('.')) {
                throw new IllegalArgumentException("expected a number at \"" + s.substring(numberStart) + "\"");
            }
            int unitStart = i;
            while (i < s.length() && !isNumberChar(s.charAt(i))) {
                i++;
            }
            String unit = s.substring(unitStart, i);
            if (unit.isEmpty()) {
                throw new IllegalArgumentException("missing unit after " + number);
            }
            Long unitNanos = UNIT_NANOS.get(unit);
            if (unitNanos == null) {
                throw new IllegalArgumentException("unknown unit \"" + unit + "\"");
            }
            String plain = number.endsWith(".") ? number + "0" : number;
            nanos = nanos.add(new BigDecimal(plain).multiply(BigDecimal.valueOf(unitNanos)));
        }
        BigInteger total = nanos.toBigInteger(); // truncates a fraction of a nanosecond, as Go does
        if (negative) {
            total = total.negate();
        }
        if (total.compareTo(MAX_NANOS) > 0 || total.compareTo(MIN_NANOS) < 0) {
            throw new IllegalArgumentException("longer than about 292 years");
        }
        return Duration.ofNanos(total.longValueExact());
    }

    private static boolean isNumberChar(char c) {
        return c == '.' || (c >= '0' && c <= '9');
    }

    /** Go's {@code Duration.String()}: "0s", "500ms", "1.5µs", "30s", "1m30s", "1h0m0s". */
    static String format(Duration d) {
        if (d.isNegative()) {
            return "-" + format(d.negated());
        }
        long seconds = d.getSeconds();
        int nanos = d.getNano();
        if (seconds == 0) {
            if (nanos == 0) {
                return "0s";
            }
            if (nanos < 1_000) {
                return nanos + "ns";
            }
            if (nanos < 1_000_000) {
                return decimal(nanos / 1_000, nanos % 1_000, 3) + "\u00b5s";
            }
            return decimal(nanos / 1_000_000, nanos % 1_000_000, 6) + "ms";
        }
        String secondsPart = decimal(seconds % 60, nanos, 9) + "s";
        long minutes = seconds / 60 % 60;
        long hours = seconds / 3600;
        if (hours > 0) {
            return hours + "h" + minutes + "m" + secondsPart;
        }
        return minutes > 0 ? minutes + "m" + secondsPart : secondsPart;
    }

    /** {@code whole.fraction} with the fraction's trailing zeros (and a bare dot) dropped. */
    private static String decimal(long whole, long fraction, int fractionDigits) {
        if (fraction == 0) {
            return Long.toString(whole);
        }
        String digits = String.format("%0" + fractionDigits + "d", fraction).replaceAll("0+$", "");
        return whole + "." + digits;
    }
}
