package dev.vessel.vmm.guest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Sits between the guest's console (the UART's output) and the user's terminal and follows the
 * protocol of Vessel's /init: boot messages until the line {@code VESSEL-INIT-READY}, then the
 * command's output, then a line {@code VESSEL-EXIT=<n>} that /init starts with a newline of its
 * own. The markers, that extra newline and (unless {@code showBoot}) the kernel's messages are
 * kept off the terminal, so {@code vessel vm run -- uname -a} prints what uname prints.
 *
 * <p>While the command runs, bytes pass through at once, except a line end, which is held until
 * the next byte shows it does not begin the exit marker.
 */
public final class GuestConsole extends OutputStream {

    static final String READY = "VESSEL-INIT-READY";
    static final String EXIT = "VESSEL-EXIT=";

    private enum State { BOOT, RUN, DONE }

    private final OutputStream terminal;
    private final boolean showBoot;
    private final CountDownLatch ready = new CountDownLatch(1);
    private final CountDownLatch exited = new CountDownLatch(1);
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    /** Last boot lines kept even when hidden, for the error message of a guest that never got to /init. */
    private final java.util.ArrayDeque<String> bootTail = new java.util.ArrayDeque<>();
    static final int BOOT_TAIL_LINES = 40;
    private State state = State.BOOT;
    /** RUN: held line-end bytes (CR/LF) and, after them, a possible start of the exit marker. */
    private final ByteArrayOutputStream held = new ByteArrayOutputStream();
    private int heldLineEnd;
    /** The byte after the marker's CR is its LF, which is not shown either. */
    private boolean afterMarker;
    private volatile long readyNanos;
    private volatile int exitStatus = -1;

    public GuestConsole(OutputStream terminal, boolean showBoot) {
        this.terminal = terminal;
        this.showBoot = showBoot;
    }

    @Override
    public synchronized void write(int b) throws IOException {
        switch (state) {
            case BOOT -> boot(b);
            case RUN -> run(b);
            case DONE -> {
                if (showBoot && !(b == '\n' && afterMarker)) {
                    terminal.write(b);
                }
                afterMarker = false;
            }
        }
    }

    private void boot(int b) throws IOException {
        if (b != '\n') {
            if (b != '\r') {
                line.write(b);
            }
            return;
        }
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (text.equals(READY)) {
            state = State.RUN;
            readyNanos = System.nanoTime();
            ready.countDown();
            return;
        }
        if (bootTail.size() == BOOT_TAIL_LINES) {
            bootTail.removeFirst();
        }
        bootTail.addLast(text);
        if (showBoot) {
            terminal.write((text + "\n").getBytes(StandardCharsets.UTF_8));
            terminal.flush();
        }
    }

    private void run(int b) throws IOException {
        int markerPos = held.size() - heldLineEnd;
        if (markerPos == 0 && (b == '\r' || b == '\n')) {
            held.write(b);
            heldLineEnd++;
            return;
        }
        if (heldLineEnd > 0 && markerPos < EXIT.length() && b == EXIT.charAt(markerPos)) {
            held.write(b);
            return;
        }
        if (heldLineEnd > 0 && markerPos >= EXIT.length()) {
            if (b >= '0' && b <= '9' && markerPos < EXIT.length() + 3) {
                held.write(b);
                return;
            }
            if ((b == '\r' || b == '\n') && markerPos > EXIT.length()) {
                String h = held.toString(StandardCharsets.US_ASCII);
                exitStatus = Integer.parseInt(h.substring(heldLineEnd + EXIT.length()));
                // The last line end is /init's own; any before it belong to the command.
                String ends = h.substring(0, heldLineEnd);
                ends = ends.endsWith("\r\n") ? ends.substring(0, ends.length() - 2) : ends.substring(0, ends.length() - 1);
                terminal.write(ends.getBytes(StandardCharsets.US_ASCII));
                state = State.DONE;
                afterMarker = b == '\r';
                terminal.flush();
                exited.countDown();
                return;
            }
        }
        // Not the marker: release what was held, then this byte.
        held.writeTo(terminal);
        held.reset();
        heldLineEnd = 0;
        if (b == '\r' || b == '\n') {
            held.write(b);
            heldLineEnd = 1;
        } else {
            terminal.write(b);
        }
        terminal.flush();
    }

    /** The last lines the guest printed before /init started (all of them if it never did). */
    public synchronized java.util.List<String> bootTail() {
        java.util.List<String> lines = new java.util.ArrayList<>(bootTail);
        if (state == State.BOOT && line.size() > 0) {
            lines.add(line.toString(StandardCharsets.UTF_8));
        }
        return lines;
    }

    /** Waits for /init to reach userspace; false on timeout. */
    public boolean awaitReady(long timeout, TimeUnit unit) throws InterruptedException {
        return ready.await(timeout, unit);
    }

    /** System.nanoTime() when the ready marker arrived, 0 before (for boot-time measurements). */
    public long readyNanos() {
        return readyNanos;
    }

    /** Waits for the exit marker; false on timeout. */
    public boolean awaitExit(long timeout, TimeUnit unit) throws InterruptedException {
        return exited.await(timeout, unit);
    }

    /** The command's exit status once reported. */
    public OptionalInt exitStatus() {
        int s = exitStatus;
        return s < 0 ? OptionalInt.empty() : OptionalInt.of(s);
    }

    @Override
    public synchronized void flush() throws IOException {
        terminal.flush();
    }
}
