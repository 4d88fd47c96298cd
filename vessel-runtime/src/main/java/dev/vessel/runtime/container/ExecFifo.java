package dev.vessel.runtime.container;

import dev.vessel.linux.Fds;
import dev.vessel.runtime.RuntimeError;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The exec fifo, runc's mechanism for `start`: the created container's process blocks opening
 * the fifo for writing (vessel-init's WaitStart); `start` opens it for reading, which lets the
 * process through, reads its one byte, and removes the fifo, which is also how the status
 * tells "created" from "running".
 */
final class ExecFifo {

    private ExecFifo() {}

    /** 0622 whatever the umask: the container's user, often not root, must be able to open it for writing. */
    static void create(Path fifo) {
        Fds.mkfifo(fifo.toString(), 0622);
        try {
            Files.setPosixFilePermissions(fifo, java.nio.file.attribute.PosixFilePermissions.fromString("rw--w--w-"));
        } catch (java.io.IOException e) {
            throw new RuntimeError("cannot set the mode of exec fifo " + fifo + ": " + e.getMessage());
        }
    }

    static void release(Path fifo, int pid, long startTime) {
        // O_NONBLOCK: the open succeeds at once; the writer is let through by its existence.
        int fd = Fds.open(fifo.toString(), Fds.O_RDONLY | Fds.O_NONBLOCK | Fds.O_CLOEXEC, 0);
        try {
            byte[] one = new byte[1];
            for (int i = 0; i < 1000; i++) {
                if (Fds.poll(fd, Fds.POLLIN, 10) != 0) {
                    int n = Fds.read(fd, one, 0, 1);
                    if (n == 1) {
                        return;
                    }
                }
                if (!ProcessInfo.isAlive(pid, startTime)) {
                    throw new RuntimeError("cannot start container: its process " + pid + " has exited");
                }
            }
            throw new RuntimeError("cannot start container: its process " + pid + " did not reach the exec fifo in 10 s");
        } finally {
            Fds.close(fd);
            try {
                Files.deleteIfExists(fifo);
            } catch (java.io.IOException e) {
                // The status would read "created" forever; say so.
                throw new RuntimeError("cannot remove exec fifo " + fifo + ": " + e.getMessage());
            }
        }
    }
}
