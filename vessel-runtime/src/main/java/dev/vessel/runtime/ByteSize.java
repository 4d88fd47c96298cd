package dev.vessel.runtime;

import java.util.Locale;

/** Sizes as users write them: 1048576, 512k, 64m, 1.5g (binary multiples, as docker and runc read them). */
public final class ByteSize {

    private ByteSize() {}

    /** Parses {@code value} for the flag or field {@code name}; "-1" means unlimited and is returned as -1. */
    public static long parse(String name, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("-1")) {
            return -1;
        }
        if (v.endsWith("b")) {
            v = v.substring(0, v.length() - 1);
        }
        long mult = 1;
        if (!v.isEmpty()) {
            switch (v.charAt(v.length() - 1)) {
                case 'k' -> mult = 1L << 10;
                case 'm' -> mult = 1L << 20;
                case 'g' -> mult = 1L << 30;
                case 't' -> mult = 1L << 40;
                default -> mult = 1;
            }
        }
        if (mult != 1) {
            v = v.substring(0, v.length() - 1);
        }
        try {
            double d = Double.parseDouble(v);
            if (d < 0 || Double.isNaN(d) || d * mult > Long.MAX_VALUE) {
                throw new NumberFormatException();
            }
            return (long) (d * mult);
        } catch (NumberFormatException e) {
            throw new RuntimeError(name + " \"" + value + "\" is not a size: use bytes or a number with k, m or g (e.g. 64m)");
        }
    }
}
