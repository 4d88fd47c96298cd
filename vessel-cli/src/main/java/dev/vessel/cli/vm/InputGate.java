package dev.vessel.cli.vm;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * For piped input ({@code -i} without {@code -t}): the guest's console tty echoes what it
 * receives, so the command is wrapped to turn echo off first and then print {@link #SIGNAL};
 * this stream drops that sequence from the output and opens the gate for stdin. The signal is an
 * OSC escape, which a terminal would ignore should it ever get through.
 */
final class InputGate extends OutputStream {

    static final String SIGNAL = "\033]vessel-stdin\007";
    /** The shell wrapper: echo off, then the signal, then the user's command with its own argv. */
    static final String WRAPPER = "stty -echo 2>/dev/null; printf '\\033]vessel-stdin\\007'; exec \"$@\"";
    private static final byte[] SEQUENCE = SIGNAL.getBytes(StandardCharsets.US_ASCII);

    private final OutputStream out;
    private final CountDownLatch open = new CountDownLatch(1);
    private int matched;

    InputGate(OutputStream out) {
        this.out = out;
    }

    @Override
    public synchronized void write(int b) throws IOException {
        if (open.getCount() == 0) {
            out.write(b);
            return;
        }
        if ((byte) b == SEQUENCE[matched]) {
            if (++matched == SEQUENCE.length) {
                open.countDown();
            }
            return;
        }
        out.write(SEQUENCE, 0, matched); // a partial match that was output after all
        matched = 0;
        if ((byte) b == SEQUENCE[0]) {
            matched = 1;
        } else {
            out.write(b);
        }
    }

    @Override
    public synchronized void flush() throws IOException {
        out.flush();
    }

    boolean await(long millis) throws InterruptedException {
        return open.await(millis, TimeUnit.MILLISECONDS);
    }
}
