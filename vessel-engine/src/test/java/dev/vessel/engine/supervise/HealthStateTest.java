package dev.vessel.engine.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vessel.engine.supervise.HealthConfig.OnFailure;
import dev.vessel.engine.supervise.HealthState.Result;
import dev.vessel.engine.supervise.HealthState.Status;
import dev.vessel.engine.supervise.HealthState.Transition;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class HealthStateTest {

    private static final Instant STARTED = Instant.parse("2025-01-01T00:00:00Z");

    private static HealthConfig config(int retries, Duration startPeriod, OnFailure onFailure) {
        return new HealthConfig(List.of("CMD", "true"), Duration.ofSeconds(30), Duration.ofSeconds(30), retries,
                startPeriod, Duration.ofSeconds(5), onFailure);
    }

    private static Result at(long seconds, int exitCode) {
        Instant start = STARTED.plusSeconds(seconds);
        return new Result(start, start.plusMillis(10), exitCode, "exit " + exitCode);
    }

    @Test
    void beginsStarting() {
        var h = new HealthState(config(3, Duration.ZERO, OnFailure.NONE));
        assertEquals(Status.STARTING, h.status());
        assertEquals("starting", h.statusName());
        assertEquals(0, h.failingStreak());
        assertEquals(List.of(), h.log());
    }

    @Test
    void statusNamesAreDockers() {
        assertEquals(List.of("starting", "healthy", "unhealthy"),
                List.of(Status.values()).stream().map(Status::statusName).toList());
    }

    @Test
    void successMakesItHealthyAndIsAnEvent() {
        var h = new HealthState(config(3, Duration.ZERO, OnFailure.KILL));
        Transition t = h.record(at(30, 0), STARTED);
        assertEquals(new Transition(Status.STARTING, Status.HEALTHY, false), t);
        assertTrue(t.changed());
        assertEquals("health_status: healthy", t.eventAction());
        assertFalse(h.record(at(60, 0), STARTED).changed());
    }

    @Test
    void retriesConsecutiveFailuresMakeItUnhealthy() {
        var h = new HealthState(config(3, Duration.ZERO, OnFailure.NONE));
        assertFalse(h.record(at(30, 1), STARTED).changed());
        assertFalse(h.record(at(60, 1), STARTED).changed());
        assertEquals(Status.STARTING, h.status());
        assertEquals(2, h.failingStreak());
        Transition t = h.record(at(90, 1), STARTED);
        assertEquals(new Transition(Status.STARTING, Status.UNHEALTHY, false), t);
        assertEquals("health_status: unhealthy", t.eventAction());
        assertEquals(3, h.failingStreak());
    }

    @Test
    void anyNonZeroExitIsAFailure() {
        var h = new HealthState(config(1, Duration.ZERO, OnFailure.NONE));
        h.record(at(30, 2), STARTED);
        assertEquals(Status.UNHEALTHY, h.status());
        h.record(at(60, 0), STARTED);
        h.record(at(90, -1), STARTED);
        assertEquals(Status.UNHEALTHY, h.status());
    }

    @Test
    void successResetsTheStreak() {
        var h = new HealthState(config(3, Duration.ZERO, OnFailure.NONE));
        h.record(at(30, 1), STARTED);
        h.record(at(60, 1), STARTED);
        h.record(at(90, 0), STARTED);
        assertEquals(0, h.failingStreak());
        h.record(at(120, 1), STARTED);
        h.record(at(150, 1), STARTED);
        assertEquals(Status.HEALTHY, h.status());
        assertEquals(Status.UNHEALTHY, h.record(at(180, 1), STARTED).to());
    }

    @Test
    void unhealthyRecoversOnSuccess() {
        var h = new HealthState(config(1, Duration.ZERO, OnFailure.STOP));
        h.record(at(30, 1), STARTED);
        Transition t = h.record(at(60, 0), STARTED);
        assertEquals(new Transition(Status.UNHEALTHY, Status.HEALTHY, false), t);
    }

    @Test
    void failuresInTheStartPeriodDoNotCount() {
        var h = new HealthState(config(1, Duration.ofSeconds(60), OnFailure.KILL));
        for (long s = 0; s < 60; s += 5) {
            assertFalse(h.record(at(s, 1), STARTED).changed());
        }
        assertEquals(Status.STARTING, h.status());
        assertEquals(0, h.failingStreak());
        // A probe that began at the end of the start period counts.
        assertEquals(new Transition(Status.STARTING, Status.UNHEALTHY, true), h.record(at(60, 1), STARTED));
    }

    @Test
    void theStartPeriodIsMeasuredFromTheProbesStart() {
        var h = new HealthState(config(1, Duration.ofSeconds(60), OnFailure.NONE));
        Instant start = STARTED.plusSeconds(59);
        h.record(new Result(start, start.plusSeconds(30), 1, "slow"), STARTED);
        assertEquals(Status.STARTING, h.status());
    }

    @Test
    void onceHealthyFailuresCountEvenInTheStartPeriod() {
        var h = new HealthState(config(2, Duration.ofSeconds(60), OnFailure.NONE));
        h.record(at(5, 0), STARTED);
        h.record(at(10, 1), STARTED);
        assertEquals(1, h.failingStreak());
        assertEquals(Status.UNHEALTHY, h.record(at(15, 1), STARTED).to());
    }

    @Test
    void actionIsDueOnlyOnTheChangeToUnhealthy() {
        var h = new HealthState(config(2, Duration.ZERO, OnFailure.RESTART));
        assertFalse(h.record(at(30, 1), STARTED).actionDue());
        assertTrue(h.record(at(60, 1), STARTED).actionDue());
        Transition again = h.record(at(90, 1), STARTED);
        assertFalse(again.changed());
        assertFalse(again.actionDue());
        h.record(at(120, 0), STARTED);
        h.record(at(150, 1), STARTED);
        assertTrue(h.record(at(180, 1), STARTED).actionDue());
    }

    @Test
    void noActionIsDueForOnFailureNone() {
        var h = new HealthState(config(1, Duration.ZERO, OnFailure.NONE));
        Transition t = h.record(at(30, 1), STARTED);
        assertTrue(t.changed());
        assertFalse(t.actionDue());
    }

    @Test
    void keepsTheLastFiveResults() {
        var h = new HealthState(config(100, Duration.ZERO, OnFailure.NONE));
        for (int i = 1; i <= 7; i++) {
            h.record(at(30L * i, i), STARTED);
        }
        assertEquals(List.of(3, 4, 5, 6, 7), h.log().stream().map(Result::exitCode).toList());
    }

    @Test
    void startIntervalDuringTheStartPeriodIntervalAfter() {
        var h = new HealthState(config(3, Duration.ofSeconds(60), OnFailure.NONE));
        assertEquals(Duration.ofSeconds(5), h.nextDelay(STARTED, STARTED));
        assertEquals(Duration.ofSeconds(5), h.nextDelay(STARTED.plusSeconds(59), STARTED));
        assertEquals(Duration.ofSeconds(30), h.nextDelay(STARTED.plusSeconds(60), STARTED));
    }

    @Test
    void intervalAsSoonAsHealthyEvenInTheStartPeriod() {
        var h = new HealthState(config(3, Duration.ofSeconds(60), OnFailure.NONE));
        h.record(at(5, 0), STARTED);
        assertEquals(Duration.ofSeconds(30), h.nextDelay(STARTED.plusSeconds(10), STARTED));
    }

    @Test
    void intervalWithoutAStartPeriod() {
        var h = new HealthState(config(3, Duration.ZERO, OnFailure.NONE));
        assertEquals(Duration.ofSeconds(30), h.nextDelay(STARTED, STARTED));
    }

    @Test
    void timeoutResultIsDockers() {
        Result r = Result.timedOut(STARTED, STARTED.plusSeconds(30), Duration.ofSeconds(30));
        assertEquals(-1, r.exitCode());
        assertEquals("Health check exceeded timeout (30s)", r.output());
        assertEquals("Health check exceeded timeout (1m30s)",
                Result.timedOut(STARTED, STARTED, Duration.ofSeconds(90)).output());
        assertEquals("Health check exceeded timeout (500ms)",
                Result.timedOut(STARTED, STARTED, Duration.ofMillis(500)).output());
    }

    @Test
    void timeoutCountsAsAFailure() {
        var h = new HealthState(config(1, Duration.ZERO, OnFailure.KILL));
        Instant start = STARTED.plusSeconds(30);
        assertTrue(h.record(Result.timedOut(start, start.plusSeconds(30), Duration.ofSeconds(30)), STARTED).actionDue());
    }

    @Test
    void outputUpTo4096BytesIsKept() {
        String output = "x".repeat(4096);
        assertEquals(output, new Result(STARTED, STARTED, 0, output).output());
    }

    @Test
    void longerOutputIsCutAt4096BytesAndMarked() {
        String cut = new Result(STARTED, STARTED, 0, "x".repeat(5000)).output();
        assertEquals("x".repeat(4096) + "...", cut);
    }

    @Test
    void theCutKeepsWholeCharacters() {
        // 4095 ASCII bytes, then a 3-byte character that would straddle the limit.
        String cut = new Result(STARTED, STARTED, 0, "x".repeat(4095) + "\u20ac\u20ac").output();
        assertEquals("x".repeat(4095) + "...", cut);
        assertTrue(cut.getBytes(StandardCharsets.UTF_8).length <= 4096 + 3);
    }

    @Test
    void cuttingACutOutputChangesNothing() {
        for (String raw : List.of("x".repeat(5000), "x".repeat(4095) + "\u20ac".repeat(10))) {
            String once = new Result(STARTED, STARTED, 0, raw).output();
            assertEquals(once, new Result(STARTED, STARTED, 0, once).output());
        }
    }
}
