package dev.vessel.engine.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RestartBackoffTest {

    private static final Duration SHORT_RUN = Duration.ofSeconds(1);

    @Test
    void doublesFrom100msUpToOneMinute() {
        var backoff = new RestartBackoff();
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            millis.add(backoff.next(SHORT_RUN).toMillis());
        }
        assertEquals(List.of(100L, 200L, 400L, 800L, 1600L, 3200L, 6400L, 12800L, 25600L, 51200L, 60000L, 60000L),
                millis);
        assertEquals(Duration.ofMinutes(1), backoff.current());
    }

    @Test
    void currentIsZeroBeforeTheFirstRestart() {
        var backoff = new RestartBackoff();
        assertEquals(Duration.ZERO, backoff.current());
        backoff.next(SHORT_RUN);
        assertEquals(Duration.ofMillis(100), backoff.current());
    }

    @Test
    void aRunOfTenSecondsResetsTheDelay() {
        var backoff = new RestartBackoff();
        backoff.next(SHORT_RUN);
        backoff.next(SHORT_RUN);
        assertEquals(Duration.ofMillis(400), backoff.next(SHORT_RUN));
        assertEquals(Duration.ofMillis(100), backoff.next(Duration.ofSeconds(10)));
        assertEquals(Duration.ofMillis(200), backoff.next(SHORT_RUN));
    }

    @Test
    void aRunJustUnderTenSecondsKeepsBackingOff() {
        var backoff = new RestartBackoff();
        backoff.next(SHORT_RUN);
        assertEquals(Duration.ofMillis(200), backoff.next(Duration.ofSeconds(10).minusNanos(1)));
    }

    @Test
    void aLongRunResetsEvenAtTheCap() {
        var backoff = new RestartBackoff();
        for (int i = 0; i < 20; i++) {
            backoff.next(SHORT_RUN);
        }
        assertEquals(Duration.ofMillis(100), backoff.next(Duration.ofHours(3)));
    }

    @Test
    void resetStartsOver() {
        var backoff = new RestartBackoff();
        backoff.next(SHORT_RUN);
        backoff.next(SHORT_RUN);
        backoff.reset();
        assertEquals(Duration.ZERO, backoff.current());
        assertEquals(Duration.ofMillis(100), backoff.next(SHORT_RUN));
    }
}
