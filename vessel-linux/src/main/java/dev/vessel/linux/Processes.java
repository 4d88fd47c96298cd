package dev.vessel.linux;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.OptionalLong;

/** Processes: signals, waiting, pidfds, the subreaper bit, our own ids. */
public final class Processes {

    public static final int WNOHANG = 1;
    static final int PR_SET_CHILD_SUBREAPER = 36, PR_GET_CHILD_SUBREAPER = 37;

    private Processes() {}

    public static void kill(int pid, int signal) {
        LinuxException.check(LibC.kill(pid, signal), "kill(" + pid + ", " + Signals.name(signal) + ")");
    }

    /** waitpid(pid, options), retried on EINTR; null when WNOHANG was given and it has not changed state. */
    public static WaitStatus waitpid(int pid, int options) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment status = arena.allocate(JAVA_INT);
            int r;
            do {
                r = LibC.waitpid(pid, status, options);
            } while (r == -Errno.EINTR.number()); // interrupted by a signal, the child is still there
            LinuxException.check(r, "waitpid(" + pid + ", " + options + ")");
            return r == 0 ? null : new WaitStatus(status.get(JAVA_INT, 0));
        }
    }

    /** Waits for {@code pid} to terminate. */
    public static WaitStatus waitFor(int pid) {
        return waitpid(pid, 0);
    }

    /** pidfd_open(pid, 0): a descriptor that keeps naming this process even after its pid is reused. */
    public static int pidfdOpen(int pid) {
        return (int) LinuxException.check(LibC.syscall(LibC.SYS_PIDFD_OPEN, pid, 0),
                "pidfd_open(" + pid + ", 0)");
    }

    public static void pidfdSendSignal(int pidfd, int signal) {
        LinuxException.check(LibC.syscall(LibC.SYS_PIDFD_SEND_SIGNAL, pidfd, signal, 0, 0),
                "pidfd_send_signal(" + pidfd + ", " + Signals.name(signal) + ", NULL, 0)");
    }

    /** prctl(PR_SET_CHILD_SUBREAPER): orphaned descendants are reparented to us, not to init. */
    public static void setChildSubreaper(boolean on) {
        LinuxException.check(LibC.prctl(PR_SET_CHILD_SUBREAPER, on ? 1 : 0, 0, 0, 0),
                "prctl(PR_SET_CHILD_SUBREAPER, " + (on ? 1 : 0) + ")");
    }

    public static boolean isChildSubreaper() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment flag = arena.allocate(JAVA_INT);
            // SAFETY: prctl writes one int to this address; the segment is an int that outlives the call.
            LinuxException.check(LibC.prctl(PR_GET_CHILD_SUBREAPER, flag.address(), 0, 0, 0),
                    "prctl(PR_GET_CHILD_SUBREAPER)");
            return flag.get(JAVA_INT, 0) != 0;
        }
    }

    /**
     * The start time of {@code pid} in clock ticks since boot (field 22 of /proc/pid/stat), or
     * empty when no such process exists. A pid plus its start time names one process even after
     * the pid is reused, as runc records in its state.
     */
    public static OptionalLong startTime(int pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        } catch (NoSuchFileException e) {
            return OptionalLong.empty(); // no such process: the answer, not an error
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("No such process")) {
                return OptionalLong.empty(); // it exited while we read
            }
            throw new UncheckedIOException("reading /proc/" + pid + "/stat", e);
        }
        // The command name (field 2) is in parentheses and may itself contain ") ": skip to the last.
        String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return OptionalLong.of(Long.parseLong(rest[22 - 3]));
    }

    public static int pid() {
        return LibC.getpid();
    }

    public static int uid() {
        return LibC.getuid();
    }

    public static int euid() {
        return LibC.geteuid();
    }
}
