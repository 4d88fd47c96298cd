package dev.vessel.engine.container;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;

/** Host id ranges: the subordinate-id file format (subuid(5)) and first-fit allocation in a pool. */
public final class IdRanges {

    /** {@code size} ids from {@code start}. */
    public record Range(long start, long size) {
        long end() {
            return start + size;
        }

        boolean overlaps(Range o) {
            return start < o.end() && o.start < end();
        }
    }

    /** One line of /etc/subuid or /etc/subgid: {@code name:start:count}. */
    public record Subordinate(String owner, Range range) {}

    private IdRanges() {}

    /** The well-formed lines of a subuid(5) file; others (comments, typos) are skipped, as shadow's tools do. */
    public static List<Subordinate> parseSubordinate(String text) {
        List<Subordinate> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = line.strip().split(":");
            if (f.length != 3 || f[0].isEmpty()) {
                continue;
            }
            try {
                long start = Long.parseLong(f[1]), count = Long.parseLong(f[2]);
                if (start >= 0 && count > 0) {
                    out.add(new Subordinate(f[0], new Range(start, count)));
                }
            } catch (NumberFormatException skipped) {
                // not a range line
            }
        }
        return out;
    }

    /** The lowest start of {@code size} free ids inside one of {@code pool}'s ranges, avoiding every range in {@code taken}. */
    public static OptionalLong firstFit(List<Range> pool, List<Range> taken, long size) {
        List<Range> sorted = new ArrayList<>(taken);
        sorted.sort(Comparator.comparingLong(Range::start));
        List<Range> ordered = new ArrayList<>(pool);
        ordered.sort(Comparator.comparingLong(Range::start));
        for (Range p : ordered) {
            long start = p.start();
            for (Range t : sorted) {
                if (start + size <= t.start()) {
                    break; // sorted: nothing later can overlap [start, start+size)
                }
                if (new Range(start, size).overlaps(t)) {
                    start = t.end();
                }
            }
            if (start + size <= p.end()) {
                return OptionalLong.of(start);
            }
        }
        return OptionalLong.empty();
    }
}
