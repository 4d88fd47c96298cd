package dev.vessel.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ContainerRecordTest {

    @Test
    void unknownStateIsRefusedByName() {
        var e = assertThrows(IllegalArgumentException.class, () -> Records.container("abc", "web").withState("stopped"));
        assertEquals("container abc: state \"stopped\" is not one of created, running, paused, restarting, exited,"
                + " dead, removing", e.getMessage());
    }

    @Test
    void everyStateOfTheModelIsAccepted() {
        for (String state : ContainerRecord.STATES) {
            assertEquals(state, Records.container("abc", "web").withState(state).state());
        }
    }

    @Test
    void emptyIdOrNameAndNegativeNumbersAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Records.container("", "web"));
        assertThrows(IllegalArgumentException.class, () -> Records.container("a b", "web"));
        assertThrows(IllegalArgumentException.class, () -> Records.container("abc", " "));
        assertThrows(IllegalArgumentException.class, () -> Records.container("abc", "web").withPid(-1));
        assertThrows(IllegalArgumentException.class, () -> Records.container("abc", "web").withRestartCount(-1));
    }

    @Test
    void withMethodsChangeOnlyTheirField() {
        ContainerRecord r = Records.container("abc", "web");
        Instant t = Instant.parse("2026-01-01T00:00:00.000000001Z");
        ContainerRecord changed = r.withName("db").withState("exited").withPid(42).withExitCode(137)
                .withStarted(t).withFinished(t.plusNanos(1)).withRestartCount(3).withStoppedByUser(true)
                .withHealth("unhealthy");
        assertEquals(new ContainerRecord("abc", "db", r.image(), r.config(), "exited", 42, 137, r.created(), t,
                t.plusNanos(1), 3, "no", true, "unhealthy"), changed);
    }

    @Test
    void shortIdIsTwelveCharacters() {
        assertEquals("3f2a9c1d0e4b", Records.container("3f2a9c1d0e4b5a6b7c8d", "web").shortId());
        assertEquals("abc", Records.container("abc", "web").shortId());
    }
}
