package dev.vessel.image.build;

import dev.vessel.image.oci.ImageConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code HEALTHCHECK NONE} and {@code HEALTHCHECK [--interval=D] [--timeout=D] [--start-period=D]
 * [--start-interval=D] [--retries=N] CMD command}, into Docker's config form. Durations are Go
 * durations ("30s", "1m30s", "500ms", "1.5h"), as Docker reads them; like Docker, a non-zero
 * duration under 1ms is refused, zero means "inherit or default", and only given fields are stored.
 */
final class Healthchecks {
    private static final Set<String> FLAGS = Set.of("interval", "timeout", "start-period", "start-interval", "retries");
    private static final Pattern PART = Pattern.compile("([0-9]*(?:\\.[0-9]*)?)(ns|us|µs|ms|s|m|h)");
    private static final long MIN = 1_000_000;

    private Healthchecks() {
    }

    static ImageConfig.Healthcheck parse(String rest, Function<String, Instruction.Command> command) {
        String first = rest.split("\\s+", 2)[0];
        if (first.equalsIgnoreCase("NONE")) {
            if (!rest.equalsIgnoreCase("NONE")) {
                throw new IllegalArgumentException("HEALTHCHECK NONE takes no other arguments");
            }
            return new ImageConfig.Healthcheck(List.of("NONE"), null, null, null, null, null);
        }
        Map<String, String> flags = new LinkedHashMap<>();
        String cmd = ContainerfileParser.flags(rest, flags, FLAGS, "HEALTHCHECK");
        String[] kw = cmd.split("\\s+", 2);
        if (!kw[0].equalsIgnoreCase("CMD")) {
            throw new IllegalArgumentException("HEALTHCHECK takes CMD COMMAND or NONE, not \"" + kw[0] + "\"");
        }
        if (kw.length < 2 || kw[1].isBlank()) {
            throw new IllegalArgumentException("HEALTHCHECK CMD needs a command");
        }
        Instruction.Command c = command.apply(kw[1].strip());
        List<String> test = new ArrayList<>();
        test.add(c.shellForm() ? "CMD-SHELL" : "CMD");
        test.addAll(c.args());
        Integer retries = null;
        if (flags.containsKey("retries")) {
            try {
                retries = Integer.parseInt(flags.get("retries"));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("HEALTHCHECK --retries=" + flags.get("retries") + " is not a whole number");
            }
            if (retries < 0) {
                throw new IllegalArgumentException("HEALTHCHECK --retries=" + retries + " cannot be negative");
            }
        }
        return new ImageConfig.Healthcheck(List.copyOf(test), interval(flags, "interval"), interval(flags, "timeout"),
                interval(flags, "start-period"), interval(flags, "start-interval"), retries);
    }

    private static Long interval(Map<String, String> flags, String name) {
        String v = flags.get(name);
        if (v == null) {
            return null;
        }
        long ns = nanos(v, "HEALTHCHECK --" + name);
        if (ns == 0) {
            return null;
        }
        if (ns < MIN) {
            throw new IllegalArgumentException("HEALTHCHECK --" + name + "=" + v + " cannot be less than 1ms");
        }
        return ns;
    }

    /** A Go duration in nanoseconds: an optional sign, then number-unit pairs; "0" alone needs no unit. */
    static long nanos(String text, String what) {
        String s = text;
        boolean negative = s.startsWith("-");
        if (negative || s.startsWith("+")) {
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return 0;
        }
        Matcher m = PART.matcher(s);
        double total = 0;
        int at = 0;
        while (at < s.length() && m.find(at) && m.start() == at && !m.group(1).isEmpty() && !m.group(1).equals(".")) {
            double unit = switch (m.group(2)) { // case matters, as in Go
                case "ns" -> 1;
                case "us", "µs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
            };
            total += Double.parseDouble(m.group(1)) * unit;
            at = m.end();
        }
        if (at != s.length() || s.isEmpty()) {
            throw new IllegalArgumentException(what + "=" + text + " is not a duration (e.g. 30s, 1m30s, 500ms)");
        }
        if (total > Long.MAX_VALUE) {
            throw new IllegalArgumentException(what + "=" + text + " is too long");
        }
        return negative ? -Math.round(total) : Math.round(total);
    }
}
