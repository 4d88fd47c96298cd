package dev.vessel.engine.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vessel.engine.container.IdRanges.Range;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class IdRangesTest {

    @Test
    void subordinateFilesKeepWellFormedLinesOnly() {
        var subs = IdRanges.parseSubordinate("""
                alice:100000:65536
                # a comment
                containers:2147483648:2147483648
                broken:x:1
                zero:5:0
                 bob:300000:10
                """);
        assertEquals(List.of(new IdRanges.Subordinate("alice", new Range(100000, 65536)),
                new IdRanges.Subordinate("containers", new Range(2147483648L, 2147483648L)),
                new IdRanges.Subordinate("bob", new Range(300000, 10))), subs);
    }

    @Test
    void firstFitTakesTheLowestGapThatIsBigEnough() {
        List<Range> pool = List.of(new Range(1000, 1000));
        assertEquals(OptionalLong.of(1000), IdRanges.firstFit(pool, List.of(), 100));
        assertEquals(OptionalLong.of(1100), IdRanges.firstFit(pool, List.of(new Range(1000, 100)), 100));
        // a 50-id gap at 1100 is too small for 100: the next gap after 1250 is used
        assertEquals(OptionalLong.of(1250), IdRanges.firstFit(pool, List.of(new Range(1150, 100), new Range(1000, 100)), 100));
        assertEquals(OptionalLong.of(1100), IdRanges.firstFit(pool, List.of(new Range(1150, 100), new Range(1000, 100)), 50));
        // nested and unsorted taken ranges
        assertEquals(OptionalLong.of(1600), IdRanges.firstFit(pool, List.of(new Range(1100, 20), new Range(900, 700)), 10));
        assertEquals(OptionalLong.of(1000), IdRanges.firstFit(pool, List.of(new Range(0, 1000), new Range(2000, 10)), 1000),
                "ranges touching the pool's edges do not overlap it");
    }

    @Test
    void firstFitFailsWhenNoRangeFitsAndTriesEachPoolRange() {
        List<Range> pool = List.of(new Range(5000, 10), new Range(1000, 100));
        assertEquals(OptionalLong.empty(), IdRanges.firstFit(pool, List.of(), 101));
        assertEquals(OptionalLong.of(5000), IdRanges.firstFit(pool, List.of(new Range(1000, 95)), 10), "the lower pool range is full");
        assertEquals(OptionalLong.empty(), IdRanges.firstFit(pool, List.of(new Range(1050, 10), new Range(5005, 1)), 60));
    }
}
