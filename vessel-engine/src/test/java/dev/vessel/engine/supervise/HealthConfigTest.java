package dev.vessel.engine.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vessel.engine.supervise.HealthConfig.OnFailure;
import java.math.BigInteger;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HealthConfigTest {

    private static final List<String> CURL = List.of("CMD", "curl", "-f", "http://localhost/");

    private static Optional<HealthConfig> flags(String cmd, String interval) {
        return HealthConfig.fromFlags(cmd, interval, null, null, null, null, null, false, Optional.empty());
    }

    private static Optional<HealthConfig> image(Map<String, Object> healthcheck) {
        return HealthConfig.fromImage(healthcheck);
    }

    private static HealthConfig imageCheck() {
        return image(Map.of("Test", CURL, "Interval", 10_000_000_000L, "Timeout", 2_000_000_000L,
                "Retries", 5, "StartPeriod", 60_000_000_000L, "StartInterval", 1_000_000_000L)).orElseThrow();
    }

    @Test
    void healthCmdAloneTakesDockersDefaults() {
        var c = flags("curl -f http://localhost/", null).orElseThrow();
        assertEquals(List.of("CMD-SHELL", "curl -f http://localhost/"), c.test());
        assertEquals(Duration.ofSeconds(30), c.interval());
        assertEquals(Duration.ofSeconds(30), c.timeout());
        assertEquals(3, c.retries());
        assertEquals(Duration.ZERO, c.startPeriod());
        assertEquals(Duration.ofSeconds(5), c.startInterval());
        assertEquals(OnFailure.NONE, c.onFailure());
    }

    @Test
    void everyFlagIsTaken() {
        var c = HealthConfig.fromFlags("true", "1m30s", "500ms", 7, "2m", "250ms", "restart", false,
                Optional.empty()).orElseThrow();
        assertEquals(new HealthConfig(List.of("CMD-SHELL", "true"), Duration.ofSeconds(90), Duration.ofMillis(500),
                7, Duration.ofMinutes(2), Duration.ofMillis(250), OnFailure.RESTART), c);
    }

    @Test
    void noFlagsAndNoImageCheckIsNoHealthCheck() {
        assertEquals(Optional.empty(), flags(null, null));
    }

    @Test
    void settingsWithoutAnythingToRunAreNoHealthCheckAsInDocker() {
        assertEquals(Optional.empty(), flags(null, "10s"));
        assertEquals(Optional.empty(), flags("", "10s"));
    }

    @Test
    void noFlagsKeepTheImagesCheck() {
        var fromImage = imageCheck();
        assertEquals(Optional.of(fromImage), HealthConfig.fromFlags(null, null, null, null, null, null, null, false,
                Optional.of(fromImage)));
    }

    @Test
    void flagsOverrideTheImageFieldByField() {
        var c = HealthConfig.fromFlags(null, "1s", null, 9, null, null, "kill", false, Optional.of(imageCheck()))
                .orElseThrow();
        assertEquals(new HealthConfig(CURL, Duration.ofSeconds(1), Duration.ofSeconds(2), 9, Duration.ofMinutes(1),
                Duration.ofSeconds(1), OnFailure.KILL), c);
    }

    @Test
    void healthCmdReplacesTheImagesTestButKeepsItsTimings() {
        var c = HealthConfig.fromFlags("pgrep nginx", null, null, null, null, null, null, false,
                Optional.of(imageCheck())).orElseThrow();
        assertEquals(List.of("CMD-SHELL", "pgrep nginx"), c.test());
        assertEquals(Duration.ofSeconds(10), c.interval());
        assertEquals(5, c.retries());
    }

    @Test
    void zeroFlagsMeanNotGiven() {
        var c = HealthConfig.fromFlags(null, "0s", "0", 0, "0s", "0ms", null, false, Optional.of(imageCheck()))
                .orElseThrow();
        assertEquals(imageCheck(), c);
    }

    @Test
    void noHealthcheckDisablesTheImagesCheck() {
        assertEquals(Optional.empty(), HealthConfig.fromFlags(null, null, null, null, null, null, null, true,
                Optional.of(imageCheck())));
        assertEquals(Optional.empty(), HealthConfig.fromFlags(null, "0s", null, 0, null, null, "none", true,
                Optional.of(imageCheck())));
    }

    @Test
    void noHealthcheckConflictsWithHealthFlags() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> HealthConfig.fromFlags("true", null, null, null, null, null, null, true, Optional.empty()));
        assertEquals("--no-healthcheck conflicts with --health-* options; use one or the other", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> HealthConfig.fromFlags(null, null, null, 2, null, null, null, true, Optional.empty()));
        assertThrows(IllegalArgumentException.class,
                () -> HealthConfig.fromFlags(null, null, null, null, null, null, "stop", true, Optional.empty()));
    }

    @Test
    void badDurationNamesFlagAndValue() {
        var e = assertThrows(IllegalArgumentException.class, () -> flags("true", "5x"));
        assertEquals("--health-interval \"5x\": not a duration; use e.g. 30s, 1m30s or 500ms", e.getMessage());
    }

    @Test
    void eachDurationFlagNamesItself() {
        String[] names = {"--health-interval", "--health-timeout", "--health-start-period", "--health-start-interval"};
        for (int i = 0; i < names.length; i++) {
            String[] d = new String[4];
            d[i] = "30";
            var e = assertThrows(IllegalArgumentException.class,
                    () -> HealthConfig.fromFlags("true", d[0], d[1], null, d[2], d[3], null, false, Optional.empty()));
            assertEquals(names[i] + " \"30\": not a duration; use e.g. 30s, 1m30s or 500ms", e.getMessage());
        }
    }

    @Test
    void emptyDurationIsNotADuration() {
        var e = assertThrows(IllegalArgumentException.class, () -> flags("true", ""));
        assertTrue(e.getMessage().startsWith("--health-interval \"\": not a duration"), e.getMessage());
    }

    @Test
    void negativeDurationIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> flags("true", "-5s"));
        assertEquals("--health-interval \"-5s\": cannot be negative; use e.g. 30s, or 0s for the default (30s)",
                e.getMessage());
    }

    @Test
    void durationUnderOneMillisecondIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> flags("true", "999us"));
        assertEquals("--health-interval \"999us\": must be at least 1ms; use e.g. 30s, or 0s for the default (30s)",
                e.getMessage());
        assertEquals(Duration.ofMillis(1), flags("true", "1ms").orElseThrow().interval());
    }

    @Test
    void startPeriodZeroMeansNone() {
        var e = assertThrows(IllegalArgumentException.class, () -> HealthConfig.fromFlags("true", null, null, null,
                "1ns", null, null, false, Optional.empty()));
        assertTrue(e.getMessage().endsWith("or 0s for none"), e.getMessage());
    }

    @Test
    void negativeRetriesAreRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> HealthConfig.fromFlags("true", null, null, -1, null,
                null, null, false, Optional.empty()));
        assertEquals("--health-retries -1: cannot be negative; use e.g. 3, or 0 for the default (3)", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Kill", "reboot"})
    void unknownOnFailureIsRefused(String value) {
        var e = assertThrows(IllegalArgumentException.class, () -> HealthConfig.fromFlags("true", null, null, null,
                null, null, value, false, Optional.empty()));
        assertEquals("--health-on-failure \"" + value + "\": unknown action; use none, kill, restart or stop",
                e.getMessage());
    }

    @Test
    void imageCheckWithEveryField() {
        assertEquals(new HealthConfig(CURL, Duration.ofSeconds(10), Duration.ofSeconds(2), 5, Duration.ofMinutes(1),
                Duration.ofSeconds(1), OnFailure.NONE), imageCheck());
    }

    @Test
    void imageZeroAndMissingFieldsTakeDefaults() {
        var c = image(Map.of("Test", List.of("CMD-SHELL", "true"), "Interval", 0, "Retries", 0L)).orElseThrow();
        assertEquals(new HealthConfig(List.of("CMD-SHELL", "true"), Duration.ofSeconds(30), Duration.ofSeconds(30), 3,
                Duration.ZERO, Duration.ofSeconds(5), OnFailure.NONE), c);
    }

    @Test
    void imageNumbersMayComeAsAnyIntegralType() {
        var c = image(Map.of("Test", CURL, "Interval", BigInteger.valueOf(2_000_000_000L), "Timeout", 1.0e9))
                .orElseThrow();
        assertEquals(Duration.ofSeconds(2), c.interval());
        assertEquals(Duration.ofSeconds(1), c.timeout());
    }

    @Test
    void imageNoneOrNoTestIsNoHealthCheck() {
        assertEquals(Optional.empty(), image(Map.of("Test", List.of("NONE"))));
        assertEquals(Optional.empty(), image(Map.of("Test", List.of())));
        assertEquals(Optional.empty(), image(Map.of("Interval", 5)));
        assertEquals(Optional.empty(), HealthConfig.fromImage(null));
        var nullTest = new HashMap<String, Object>();
        nullTest.put("Test", null);
        assertEquals(Optional.empty(), image(nullTest));
    }

    @Test
    void imageWithUnknownTestTypeIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> image(Map.of("Test", List.of("EXEC", "x"))));
        assertTrue(e.getMessage().startsWith("image config Healthcheck.Test [EXEC, x]: unknown type \"EXEC\""),
                e.getMessage());
    }

    @Test
    void imageWithMalformedFieldsIsRefusedNamingTheField() {
        assertMessageStarts("image config Healthcheck.Test curl", () -> image(Map.of("Test", "curl")));
        assertMessageStarts("image config Healthcheck.Test [CMD, 1]", () -> image(Map.of("Test", List.of("CMD", 1))));
        assertMessageStarts("image config Healthcheck.Interval -1: not a whole number",
                () -> image(Map.of("Test", CURL, "Interval", -1)));
        assertMessageStarts("image config Healthcheck.Timeout 30s: not a whole number",
                () -> image(Map.of("Test", CURL, "Timeout", "30s")));
        assertMessageStarts("image config Healthcheck.Retries 1.5: not a whole number",
                () -> image(Map.of("Test", CURL, "Retries", 1.5)));
        assertMessageStarts("image config Healthcheck.StartInterval 500\u00b5s: must be at least 1ms",
                () -> image(Map.of("Test", CURL, "StartInterval", 500_000)));
        assertMessageStarts("image config Healthcheck.Retries 3000000000: too large",
                () -> image(Map.of("Test", CURL, "Retries", 3_000_000_000L)));
    }

    private static void assertMessageStarts(String prefix, org.junit.jupiter.api.function.Executable call) {
        var e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
    }

    @Test
    void testNeedsAKnownTypeAndACommand() {
        for (List<String> test : List.of(List.of("CMD"), List.of("CMD-SHELL"), List.of("NONE"), List.of("SHELL", "x"),
                List.<String>of())) {
            assertThrows(IllegalArgumentException.class, () -> new HealthConfig(test, Duration.ofSeconds(1),
                    Duration.ofSeconds(1), 1, Duration.ZERO, Duration.ofSeconds(1), OnFailure.NONE), test::toString);
        }
    }

    @Test
    void constructorRefusesUnresolvedValues() {
        assertThrows(IllegalArgumentException.class, () -> new HealthConfig(CURL, Duration.ZERO,
                Duration.ofSeconds(1), 1, Duration.ZERO, Duration.ofSeconds(1), OnFailure.NONE));
        assertThrows(IllegalArgumentException.class, () -> new HealthConfig(CURL, Duration.ofSeconds(1),
                Duration.ofSeconds(1), 0, Duration.ZERO, Duration.ofSeconds(1), OnFailure.NONE));
        assertThrows(IllegalArgumentException.class, () -> new HealthConfig(CURL, Duration.ofSeconds(1),
                Duration.ofSeconds(1), 1, Duration.ofNanos(-1), Duration.ofSeconds(1), OnFailure.NONE));
    }

    @Test
    void cmdIsExecutedAsItIs() {
        assertEquals(List.of("curl", "-f", "http://localhost/"), imageCheck().argv());
        assertEquals(List.of("curl", "-f", "http://localhost/"), imageCheck().argv(List.of("/bin/bash", "-c")));
    }

    @Test
    void cmdShellRunsThroughTheShell() {
        var c = flags("curl -f http://localhost/ || exit 1", null).orElseThrow();
        assertEquals(List.of("/bin/sh", "-c", "curl -f http://localhost/ || exit 1"), c.argv());
        assertEquals(List.of("/bin/bash", "-eo", "pipefail", "-c", "curl -f http://localhost/ || exit 1"),
                c.argv(List.of("/bin/bash", "-eo", "pipefail", "-c")));
        assertEquals(c.argv(), c.argv(List.of()));
        assertEquals(c.argv(), c.argv(null));
    }

    @Test
    void toStringUsesGoDurations() {
        assertEquals("HealthConfig[CMD-SHELL, true] interval 1m30s, timeout 30s, retries 3, start period 0s, "
                + "start interval 5s, on failure none", flags("true", "90s").orElseThrow().toString());
    }
}
