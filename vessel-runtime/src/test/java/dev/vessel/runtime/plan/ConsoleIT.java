package dev.vessel.runtime.plan;

import static dev.vessel.runtime.plan.Launches.container;
import static dev.vessel.runtime.plan.Launches.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vessel.linux.Errno;
import dev.vessel.linux.Fds;
import dev.vessel.linux.LinuxException;
import dev.vessel.linux.Mounts;
import dev.vessel.linux.Terminal;
import dev.vessel.linux.UnixSockets;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The Console op: a pty made inside the container, its master handed over a socket. */
@Tag("root")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConsoleIT {

    @TempDir
    Path dir;

    /** A container whose terminal is made by the Console op with {@code rows} x {@code columns}, running {@code script}. */
    private static LaunchPlan plan(Path rootfs, int rows, int columns, String script) {
        String root = rootfs.toString();
        return container(rootfs, LaunchPlan.Mode.MONITOR)
                .add(new Op.MkdirAll(root, "/dev/pts", 0755), "mounts[1].destination")
                .add(new Op.Mount("devpts", false, root, "/dev/pts", "devpts", Mounts.MS_NOSUID | Mounts.MS_NOEXEC,
                        "newinstance,ptmxmode=0666,mode=0620"), "mounts[1]")
                .add(new Op.Symlink(root, "pts/ptmx", "/dev/ptmx"), "(default symlinks)")
                .add(new Op.MkFile(root, "/dev/console", 0666), "(console)")
                .add(new Op.PivotRoot(root, false), "root.path")
                .add(new Op.Console(3, "/dev/console", rows, columns), "process.terminal")
                .add(new Op.SetSid(true), "process.terminal")
                .add(new Op.CloseFds(3), "--preserve-fds")
                .add(sh(script), "process.args")
                .build();
    }

    /** Starts {@code plan} with a console socket, hands the master to {@code withMaster}, and returns the container's output. */
    private static String run(LaunchPlan plan, java.util.function.IntConsumer withMaster) {
        Fds.Pair console = Fds.socketPair(Fds.SOCK_STREAM);
        InitSession s;
        try {
            s = InitSession.start(plan, InitSession.Stdio.INHERIT, List.of(console.second()));
        } finally {
            Fds.close(console.second());
        }
        try (s) {
            s.awaitPid();
            s.proceed();
            UnixSockets.Received r = UnixSockets.receiveFds(console.first(), 64);
            assertEquals("/dev/pts/0", new String(r.data(), StandardCharsets.UTF_8));
            assertEquals(1, r.fds().length);
            int master = r.fds()[0];
            try {
                withMaster.accept(master);
                assertEquals(InitSession.Started.EXECED, s.awaitReady());
                String out = readUntilHangup(master).replace("\r", "");
                assertEquals(0, s.awaitExit().shellCode(), out);
                return out;
            } finally {
                Fds.close(master);
            }
        } finally {
            Fds.close(console.first());
        }
    }

    @Test
    void masterArrivesOverTheSocketAndTheShellHasAControllingTerminal() throws Exception {
        BusyboxRootfs.assumeAvailable();
        String out = run(plan(BusyboxRootfs.create(dir), 0, 0, "tty; read x; stty size; readlink /proc/self/fd/3 2>/dev/null"
                + " || echo no-fd-3; grep -c ' /dev/console ' /proc/self/mountinfo"), master -> {
                    Terminal.setWindowSize(master, new Terminal.WindowSize(40, 100));
                    Fds.writeFully(master, "go\n".getBytes(StandardCharsets.UTF_8));
                });
        assertTrue(out.contains("/dev/pts/0\n"), out);
        assertTrue(out.contains("40 100\n"), out);
        assertTrue(out.contains("no-fd-3\n"), "the console socket was closed at exec: " + out);
        assertTrue(out.endsWith("1\n"), "the pty is bound on /dev/console: " + out);
    }

    @Test
    void processConsoleSizeIsTheTerminalsSizeBeforeTheProcessRuns() throws Exception {
        BusyboxRootfs.assumeAvailable();
        // Nothing is done with the master before the process asks: the size was set in the container.
        String out = run(plan(BusyboxRootfs.create(dir), 30, 120, "stty size"), master -> { });
        assertEquals("30 120\n", out);
    }

    /** Reads the master until the last peer fd is closed, which a pty master reports as EIO. */
    private static String readUntilHangup(int master) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[1024];
        try {
            int n;
            while ((n = Fds.read(master, buf, 0, buf.length)) > 0) {
                all.write(buf, 0, n);
            }
        } catch (LinuxException e) {
            if (!e.is(Errno.EIO)) {
                throw e;
            }
        }
        return all.toString(StandardCharsets.UTF_8);
    }
}
