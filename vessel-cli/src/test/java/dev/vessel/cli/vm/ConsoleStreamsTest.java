package dev.vessel.cli.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The filters between the guest's console and the user's terminal. */
class ConsoleStreamsTest {

    @Test
    void pipedOutputGetsUnixLineEndsWithLoneCarriageReturnsKept() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LineEnds ends = LineEnds.forPipeOrCookedTerminal(out);
        byteByByte(ends, "riscv64\r\nprogress 10%\rprogress 20%\r\r\nend\r");
        assertEquals("riscv64\nprogress 10%\rprogress 20%\r\nend", out.toString(StandardCharsets.US_ASCII), "a final CR is held");
        ends.finish();
        assertEquals("riscv64\nprogress 10%\rprogress 20%\r\nend\r", out.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void rawTerminalGetsCarriageReturnBeforeEveryLineFeed() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LineEnds ends = LineEnds.forRawTerminal(out);
        byteByByte(ends, "boot line\nguest line\r\n");
        assertEquals("boot line\r\nguest line\r\n", out.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void inputGateOpensOnTheSignalAndHidesIt() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        InputGate gate = new InputGate(out);
        byteByByte(gate, "\033[1mbold\033]vessel-std");
        assertFalse(gate.await(1), "partial signal");
        byteByByte(gate, "in\007after\033]vessel-stdin\007");
        assertTrue(gate.await(1));
        assertEquals("\033[1mboldafter\033]vessel-stdin\007", out.toString(StandardCharsets.US_ASCII),
                "only the first signal is taken; later output passes unchanged");
    }

    @Test
    void inputGateReleasesAPartialMatchThatWasOutput() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        InputGate gate = new InputGate(out);
        byteByByte(gate, "\033]vessel\033]x");
        assertEquals("\033]vessel\033]x", out.toString(StandardCharsets.US_ASCII));
        assertFalse(gate.await(1));
    }

    @Test
    void wrapperPrintsTheSignal() {
        // printf's escapes in the wrapper must produce exactly SIGNAL.
        String printed = InputGate.WRAPPER.replaceAll(".*printf '([^']*)'.*", "$1").replace("\\033", "\033").replace("\\007", "\007");
        assertEquals(InputGate.SIGNAL, printed);
    }

    private static void byteByByte(OutputStream o, String s) throws IOException {
        for (byte b : s.getBytes(StandardCharsets.US_ASCII)) {
            o.write(b);
            o.flush();
        }
    }
}
