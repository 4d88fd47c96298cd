package dev.vessel.cli.vm;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The guest's serial tty ends lines with CR LF (its {@code onlcr}). A pipe or a cooked host
 * terminal wants LF alone ({@code $(vessel vm run -- uname -m)} must not end in CR); a host
 * terminal in raw mode needs CR LF even for the lines Vessel itself writes with LF.
 */
final class LineEnds extends OutputStream {

    private final OutputStream out;
    private final boolean raw;
    private boolean heldCr;
    private int last;

    private LineEnds(OutputStream out, boolean raw) {
        this.out = out;
        this.raw = raw;
    }

    static LineEnds forPipeOrCookedTerminal(OutputStream out) {
        return new LineEnds(out, false);
    }

    static LineEnds forRawTerminal(OutputStream out) {
        return new LineEnds(out, true);
    }

    @Override
    public synchronized void write(int b) throws IOException {
        b &= 0xff;
        if (raw) {
            if (b == '\n' && last != '\r') {
                out.write('\r');
            }
            out.write(b);
        } else if (heldCr) {
            heldCr = false;
            if (b != '\n') {
                out.write('\r');
            }
            if (b == '\r') {
                heldCr = true;
            } else {
                out.write(b);
            }
        } else if (b == '\r') {
            heldCr = true; // decided by the next byte
        } else {
            out.write(b);
        }
        last = b;
    }

    /** Passes output on, but keeps a CR whose LF may still come (the console flushes after every byte). */
    @Override
    public synchronized void flush() throws IOException {
        out.flush();
    }

    /** The guest is gone: a held CR was not part of a line end. */
    synchronized void finish() throws IOException {
        if (heldCr) {
            out.write('\r');
            heldCr = false;
        }
        out.flush();
    }
}
