package dev.vessel.runtime.container;

import dev.vessel.linux.Fds;
import dev.vessel.linux.LinuxException;
import dev.vessel.linux.Terminal;
import dev.vessel.linux.UnixSockets;
import dev.vessel.runtime.spec.ProcessSpec;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import sun.misc.Signal;

/**
 * The user's side of a container terminal in a foreground `run` or `exec` (what runc does
 * when it gets no --console-socket): receives the pty master from the container over a socket pair, puts
 * our terminal in raw mode so every key (Ctrl-C included) reaches the container's line
 * discipline, copies bytes both ways, and passes window-size changes on.
 */
final class ConsoleProxy implements AutoCloseable {

    private final int master;
    private final String savedStty;
    private final Thread output;

    private ConsoleProxy(int master, String savedStty) {
        this.master = master;
        this.savedStty = savedStty;
        resize();
        Signal.handle(new Signal("WINCH"), s -> resize());
        Thread.ofPlatform().daemon().name("console-in").start(() -> copy(0, master));
        this.output = Thread.ofPlatform().daemon().name("console-out").start(() -> copy(master, 1));
    }

    /** Waits for the master on {@code socket} (the container sends it from its Console op) and starts copying. */
    static ConsoleProxy receive(int socket) {
        UnixSockets.Received r = UnixSockets.receiveFds(socket, 256);
        if (r.fds().length != 1) {
            throw new dev.vessel.runtime.RuntimeError("process.terminal: the container sent no terminal");
        }
        return new ConsoleProxy(r.fds()[0], stty("-g"));
    }

    /** The window size of the terminal on our stdin as a process.consoleSize, or null when stdin is no terminal. */
    static ProcessSpec.ConsoleSize callerSize() {
        try {
            Terminal.WindowSize size = Terminal.windowSize(0);
            return new ProcessSpec.ConsoleSize(size.rows(), size.columns());
        } catch (LinuxException notATerminal) {
            return null;
        }
    }

    private void resize() {
        try {
            Terminal.setWindowSize(master, Terminal.windowSize(0));
        } catch (LinuxException e) {
            // stdin is not a terminal (a pipe, a test): the pty keeps its default size.
        }
    }

    private static void copy(int from, int to) {
        byte[] buf = new byte[8192];
        try {
            while (true) {
                int n = Fds.read(from, buf, 0, buf.length);
                if (n <= 0) {
                    return;
                }
                Fds.writeFully(to, java.util.Arrays.copyOf(buf, n));
            }
        } catch (LinuxException e) {
            // EIO on the master once the container's side is closed: the session is over.
        }
    }

    /** Runs stty on our terminal; returns its output, or null when stdin is no terminal. */
    private static String stty(String... args) {
        try {
            String[] cmd = new String[args.length + 1];
            cmd[0] = "stty";
            System.arraycopy(args, 0, cmd, 1, args.length);
            Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            return p.waitFor() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    void rawMode() {
        if (savedStty != null) {
            stty("raw", "-echo");
        }
    }

    @Override
    public void close() {
        try {
            output.join(TimeUnit.SECONDS.toMillis(2)); // let the last output through
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (savedStty != null) {
            stty(savedStty);
        }
        Fds.close(master);
    }
}
