package dev.vessel.engine.supervise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vessel.engine.supervise.RestartPolicy.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RestartPolicyTest {

    private static final String CHOICES = "; use no, on-failure[:max-retries], always or unless-stopped";

    @ParameterizedTest
    @CsvSource({
        "no, NO, 0", "'', NO, 0", "on-failure, ON_FAILURE, 0", "on-failure:0, ON_FAILURE, 0",
        "on-failure:5, ON_FAILURE, 5", "on-failure:007, ON_FAILURE, 7", "always, ALWAYS, 0",
        "unless-stopped, UNLESS_STOPPED, 0",
    })
    void parsesDockerForms(String value, Kind kind, int maxRetries) {
        assertEquals(new RestartPolicy(kind, maxRetries), RestartPolicy.parse(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"no", "on-failure", "on-failure:2", "always", "unless-stopped"})
    void toStringGivesTheFlagBack(String value) {
        assertEquals(value, RestartPolicy.parse(value).toString());
    }

    @Test
    void unknownNameNamesFlagValueAndChoices() {
        var e = assertThrows(IllegalArgumentException.class, () -> RestartPolicy.parse("sometimes"));
        assertEquals("--restart \"sometimes\": unknown restart policy" + CHOICES, e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Always", "on_failure", "unless-stopped ", " no", ":3", "on-failure:3:4"})
    void namesAreExact(String value) {
        var e = assertThrows(IllegalArgumentException.class, () -> RestartPolicy.parse(value));
        assertTrue(e.getMessage().startsWith("--restart \"" + value + "\": "), e.getMessage());
        assertTrue(e.getMessage().endsWith(CHOICES), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"always:3", "no:0", "unless-stopped:1"})
    void retryCountOnlyWithOnFailure(String value) {
        var e = assertThrows(IllegalArgumentException.class, () -> RestartPolicy.parse(value));
        assertEquals("--restart \"" + value + "\": a retry count is only allowed with on-failure" + CHOICES,
                e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"on-failure:", "on-failure:-1", "on-failure:x", "on-failure:+3", "on-failure:1.5",
        "on-failure: 3"})
    void retryCountIsAWholeNumber(String value) {
        var e = assertThrows(IllegalArgumentException.class, () -> RestartPolicy.parse(value));
        assertEquals("--restart \"" + value + "\": max-retries must be a whole number >= 0 (0: no limit)" + CHOICES,
                e.getMessage());
    }

    @Test
    void retryCountBeyondIntIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> RestartPolicy.parse("on-failure:99999999999"));
        assertTrue(e.getMessage().contains("larger than 2147483647"), e.getMessage());
    }

    @Test
    void constructorRefusesWhatParseRefuses() {
        assertThrows(IllegalArgumentException.class, () -> new RestartPolicy(Kind.ALWAYS, 1));
        assertThrows(IllegalArgumentException.class, () -> new RestartPolicy(Kind.ON_FAILURE, -1));
        assertThrows(NullPointerException.class, () -> new RestartPolicy(null, 0));
    }

    @Test
    void noNeverRestarts() {
        var no = RestartPolicy.parse("no");
        assertFalse(no.shouldRestart(1, 0, false));
        assertFalse(no.shouldRestart(0, 0, false));
    }

    @Test
    void onFailureRestartsOnlyAfterNonZeroExit() {
        var p = RestartPolicy.parse("on-failure");
        assertFalse(p.shouldRestart(0, 0, false));
        assertTrue(p.shouldRestart(1, 0, false));
        assertTrue(p.shouldRestart(137, 0, false));
        assertTrue(p.shouldRestart(-1, 0, false));
    }

    @Test
    void onFailureWithoutLimitRestartsForever() {
        assertTrue(RestartPolicy.parse("on-failure:0").shouldRestart(1, 1_000_000, false));
    }

    @Test
    void onFailureLimitAllowsExactlyMaxRetriesRestarts() {
        var p = RestartPolicy.parse("on-failure:3");
        assertTrue(p.shouldRestart(1, 0, false));
        assertTrue(p.shouldRestart(1, 2, false));
        assertFalse(p.shouldRestart(1, 3, false));
        assertFalse(p.shouldRestart(1, 4, false));
    }

    @Test
    void alwaysAndUnlessStoppedRestartAfterAnyExit() {
        for (String value : new String[] {"always", "unless-stopped"}) {
            var p = RestartPolicy.parse(value);
            assertTrue(p.shouldRestart(0, 0, false), value);
            assertTrue(p.shouldRestart(1, 100, false), value);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"no", "on-failure", "on-failure:5", "always", "unless-stopped"})
    void stoppedByUserIsNeverRestarted(String value) {
        assertFalse(RestartPolicy.parse(value).shouldRestart(1, 0, true));
        assertFalse(RestartPolicy.parse(value).shouldRestart(0, 0, true));
    }

    @Test
    void engineStartStartsAlwaysEvenIfStoppedByUser() {
        assertTrue(RestartPolicy.parse("always").startWithEngine(false));
        assertTrue(RestartPolicy.parse("always").startWithEngine(true));
    }

    @Test
    void engineStartStartsUnlessStoppedOnlyIfNotStoppedByUser() {
        assertTrue(RestartPolicy.parse("unless-stopped").startWithEngine(false));
        assertFalse(RestartPolicy.parse("unless-stopped").startWithEngine(true));
    }

    @ParameterizedTest
    @ValueSource(strings = {"no", "on-failure", "on-failure:5"})
    void engineStartLeavesNoAndOnFailureAlone(String value) {
        assertFalse(RestartPolicy.parse(value).startWithEngine(false));
        assertFalse(RestartPolicy.parse(value).startWithEngine(true));
    }
}
