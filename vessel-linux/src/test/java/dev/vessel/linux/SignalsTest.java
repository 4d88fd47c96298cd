package dev.vessel.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SignalsTest {

    @Test
    void acceptsNameShortNameAndNumber() {
        assertEquals(9, Signals.parse("SIGKILL"));
        assertEquals(9, Signals.parse("KILL"));
        assertEquals(9, Signals.parse("kill"));
        assertEquals(9, Signals.parse("9"));
        assertEquals(15, Signals.parse("SIGTERM"));
        assertEquals(28, Signals.parse("WINCH"));
        assertEquals(6, Signals.parse("SIGIOT"));
        assertEquals(17, Signals.parse("CLD"));
    }

    @Test
    void realtimeSignals() {
        assertEquals(34, Signals.parse("SIGRTMIN"));
        assertEquals(37, Signals.parse("RTMIN+3"));
        assertEquals(62, Signals.parse("SIGRTMAX-2"));
        assertEquals("SIGRTMIN+3", Signals.name(37));
        assertEquals("SIGRTMAX", Signals.name(64));
    }

    @Test
    void namesRoundTrip() {
        for (int s = 1; s <= 64; s++) {
            if (s == 32 || s == 33) {
                continue; // reserved by glibc's NPTL, no name
            }
            assertEquals(s, Signals.parse(Signals.name(s)), "signal " + s);
        }
        assertEquals("SIGTERM", Signals.name(15));
    }

    @Test
    void rejectsUnknownWithAClearMessage() {
        var e = assertThrows(IllegalArgumentException.class, () -> Signals.parse("SIGFOO"));
        assertTrue(e.getMessage().contains("SIGFOO"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Signals.parse("0"));
        assertThrows(IllegalArgumentException.class, () -> Signals.parse("65"));
        assertThrows(IllegalArgumentException.class, () -> Signals.parse("RTMIN+40"));
    }
}
