package dev.vessel.vmm.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GuestConsoleTest {

    final ByteArrayOutputStream terminal = new ByteArrayOutputStream();

    String feed(GuestConsole console, String guestOutput) throws IOException {
        for (byte b : guestOutput.getBytes(StandardCharsets.UTF_8)) {
            console.write(b); // byte by byte, as the UART delivers it
        }
        return terminal.toString(StandardCharsets.UTF_8);
    }

    @Test
    void showsOnlyTheCommandOutputAndCapturesTheStatus() throws Exception {
        GuestConsole console = new GuestConsole(terminal, false);
        String shown = feed(console, "[    0.000000] Linux version 6.1\r\nVESSEL-INIT-READY\r\n"
                + "Linux vessel 6.1.0 riscv64 GNU/Linux\r\n\r\nVESSEL-EXIT=3\r\nreboot: Power down\r\n");
        assertEquals("Linux vessel 6.1.0 riscv64 GNU/Linux\r\n", shown);
        assertTrue(console.awaitReady(0, TimeUnit.SECONDS));
        assertTrue(console.awaitExit(0, TimeUnit.SECONDS));
        assertEquals(OptionalInt.of(3), console.exitStatus());
        assertTrue(console.readyNanos() > 0);
    }

    @Test
    void outputWithoutTrailingNewlineStaysIntact() throws Exception {
        GuestConsole console = new GuestConsole(terminal, false);
        assertEquals("no newline", feed(console, "VESSEL-INIT-READY\r\nno newline\r\nVESSEL-EXIT=0\r\n"));
        assertEquals(OptionalInt.of(0), console.exitStatus());
    }

    @Test
    void textResemblingTheMarkerIsPassedThrough() throws Exception {
        GuestConsole console = new GuestConsole(terminal, false);
        String text = "a\r\nVESSEL-EXIT is a word\r\nVESSEL-EXIT=12x\r\nb\r\n";
        assertEquals("a\r\nVESSEL-EXIT is a word\r\nVESSEL-EXIT=12x\r\nb", feed(console, "VESSEL-INIT-READY\n" + text));
        assertFalse(console.exitStatus().isPresent());
        assertFalse(console.awaitExit(0, TimeUnit.SECONDS));
    }

    @Test
    void bytesReachTheTerminalWithoutWaitingForALineEnd() throws Exception {
        GuestConsole console = new GuestConsole(terminal, false);
        assertEquals("# ", feed(console, "VESSEL-INIT-READY\r\n# "), "a shell prompt shows at once");
    }

    @Test
    void bootMessagesShownOnRequest() throws Exception {
        GuestConsole console = new GuestConsole(terminal, true);
        assertEquals("booting\nout\r\n", feed(console, "booting\r\nVESSEL-INIT-READY\r\nout\r\n\r\nVESSEL-EXIT=255\r\n"));
        assertEquals(OptionalInt.of(255), console.exitStatus());
    }

    @Test
    void keepsTheLastBootLinesForErrorMessages() throws Exception {
        GuestConsole console = new GuestConsole(terminal, false);
        StringBuilder boot = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            boot.append("line ").append(i).append("\r\n");
        }
        boot.append("Kernel panic - not syncing: Out of memory");
        assertEquals("", feed(console, boot.toString()));
        java.util.List<String> tail = console.bootTail();
        assertEquals(GuestConsole.BOOT_TAIL_LINES + 1, tail.size());
        assertEquals("line 60", tail.get(0));
        assertEquals("Kernel panic - not syncing: Out of memory", tail.get(tail.size() - 1));
        assertFalse(console.awaitReady(0, TimeUnit.SECONDS));
    }
}
