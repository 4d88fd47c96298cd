package dev.vessel.cli.vm;

import dev.vessel.vmm.devices.legacy.Uart16550;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.locks.LockSupport;

/**
 * Feeds the host's stdin to the guest's UART, once the guest is ready to read it: the 8250 driver
 * clears the FIFO when it opens the port, so bytes sent during boot would be lost. With Vessel's
 * /init, ready means its marker was seen. The UART's FIFO is small; rather than lose keys
 * or pasted text, the pump waits until the guest has drained it. At the end of a piped input it
 * sends Ctrl-D once, which a canonical guest tty reads as end of file. In raw mode Ctrl-] (the
 * telnet escape) stops the machine, for guests that do not power off by themselves.
 */
final class ConsoleInput implements Runnable {

    static final int ESCAPE = 0x1d; // Ctrl-]
    static final int EOF = 0x04; // Ctrl-D

    private final InputStream in;
    private final Uart16550 uart;
    private final boolean raw;
    private final Runnable onEscape;
    private final GuestReady ready;
    private volatile boolean stopped;

    /** Blocks until the guest reads its console, or returns false on timeout. */
    interface GuestReady {
        boolean await(long millis) throws InterruptedException;
    }

    private ConsoleInput(InputStream in, Uart16550 uart, boolean raw, Runnable onEscape, GuestReady ready) {
        this.ready = ready;
        this.in = in;
        this.uart = uart;
        this.raw = raw;
        this.onEscape = onEscape;
    }

    static ConsoleInput start(InputStream in, Uart16550 uart, boolean raw, Runnable onEscape, GuestReady ready) {
        ConsoleInput c = new ConsoleInput(in, uart, raw, onEscape, ready);
        // A daemon: a read from stdin cannot be interrupted, and must not keep the JVM alive.
        Thread.ofPlatform().name("vessel-console-input").daemon().start(c);
        return c;
    }

    @Override
    public void run() {
        byte[] buf = new byte[512];
        try {
            while (!ready.await(100)) {
                if (stopped) {
                    return;
                }
            }
            int n;
            while (!stopped && (n = in.read(buf)) > 0) {
                if (raw) {
                    for (int i = 0; i < n; i++) {
                        if (buf[i] == ESCAPE) {
                            offer(buf, 0, i);
                            onEscape.run();
                            return;
                        }
                    }
                }
                offer(buf, 0, n);
            }
            if (!stopped && !raw) {
                offer(new byte[] {EOF}, 0, 1);
            }
        } catch (IOException e) {
            // stdin closed under us: the guest just gets no more input
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void offer(byte[] data, int off, int len) {
        while (len > 0 && !stopped) {
            int n = uart.receive(data, off, Math.min(len, uart.receiveSpace()));
            off += n;
            len -= n;
            if (len > 0) {
                LockSupport.parkNanos(1_000_000); // the guest drains the FIFO on its next interrupt
            }
        }
    }

    void stop() {
        stopped = true;
    }
}
