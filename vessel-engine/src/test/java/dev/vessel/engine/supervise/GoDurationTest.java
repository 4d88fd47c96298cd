package dev.vessel.engine.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoDurationTest {

    @ParameterizedTest
    @CsvSource({
        "0, 0", "0s, 0", "+0, 0", "-0, 0",
        "30s, 30000000000", "1m30s, 90000000000", "500ms, 500000000", "1h, 3600000000000",
        "1.5h, 5400000000000", ".5s, 500000000", "1.s, 1000000000", "-1.5s, -1500000000",
        "1h2m3s4ms5us6ns, 3723004005006", "3\u00b5s, 3000", "3\u03bcs, 3000", "1ns, 1",
        "0.0000000009s, 0", "2562047h, 9223369200000000000", "9223372036854775807ns, 9223372036854775807",
    })
    void parsesGoSyntax(String text, long nanos) {
        assertEquals(Duration.ofNanos(nanos), GoDuration.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-", "5", "5x", "s", ".s", "1..5s", "1.2.3s", "1s2", "1 s", " 1s", "1S",
        "9223372036854775808ns", "2562048h"})
    void refusesWhatGoRefuses(String text) {
        assertThrows(IllegalArgumentException.class, () -> GoDuration.parse(text));
    }

    @ParameterizedTest
    @CsvSource({
        "0, 0s", "1, 1ns", "1500, 1.5\u00b5s", "500000000, 500ms", "1500000, 1.5ms",
        "30000000000, 30s", "1500000000, 1.5s", "90000000000, 1m30s", "120000000000, 2m0s",
        "3600000000000, 1h0m0s", "3723004005006, 1h2m3.004005006s", "-1500000000, -1.5s",
    })
    void formatsAsGoPrints(long nanos, String text) {
        assertEquals(text, GoDuration.format(Duration.ofNanos(nanos)));
    }
}
