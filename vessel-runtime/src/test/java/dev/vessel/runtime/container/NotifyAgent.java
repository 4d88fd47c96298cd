package dev.vessel.runtime.container;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.vessel.linux.Fds;
import dev.vessel.linux.Ioctls;
import dev.vessel.linux.LibC;
import dev.vessel.linux.Errno;
import dev.vessel.linux.UnixSockets;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A seccomp agent for tests, as a real one works: it listens on a unix socket, takes one
 * connection's message (the ContainerProcessState JSON, the listener attached with SCM_RIGHTS),
 * then answers every notified syscall on that listener with {@code val}/{@code error}
 * (SECCOMP_IOCTL_NOTIF_RECV / _SEND), until the process is gone or the agent is closed.
 */
public final class NotifyAgent implements AutoCloseable {

    /** struct seccomp_notif: id, pid, flags, then struct seccomp_data (nr, arch, ip, args[6]). */
    static final long NOTIF_SIZE = 8 + 4 + 4 + 4 + 4 + 8 + 6 * 8;
    /** struct seccomp_notif_resp: id, val, error, flags. */
    static final long RESP_SIZE = 8 + 8 + 4 + 4;
    static final long NOTIF_RECV = Ioctls.ioc(3, '!', 0, NOTIF_SIZE), NOTIF_SEND = Ioctls.ioc(3, '!', 1, RESP_SIZE);

    /** One notified syscall: the process that made it and the syscall number. */
    public record Notification(long id, int pid, int nr) {}

    private final int server;
    private final long val;
    private final int error;
    private volatile boolean closed;
    private final Thread thread;
    /** The JSON the runtime sent, once it came. */
    public final CompletableFuture<String> message = new CompletableFuture<>();
    /** How many descriptors came with it. */
    public volatile int fdsReceived = -1;
    public final List<Notification> seen = new CopyOnWriteArrayList<>();

    private NotifyAgent(int server, long val, int error) {
        this.server = server;
        this.val = val;
        this.error = error;
        this.thread = Thread.ofPlatform().daemon().name("notify-agent").start(this::serve);
    }

    /** Answers each notified syscall with return value {@code val} or, when non-zero, errno {@code errno}. */
    public static NotifyAgent listen(Path socket, long val, int errno) {
        return new NotifyAgent(UnixSockets.listen(socket.toString(), 4), val, -errno);
    }

    private void serve() {
        int listener = -1;
        try {
            while (Fds.poll(server, Fds.POLLIN, 100) == 0) {
                if (closed) {
                    return; // nobody came
                }
            }
            int conn = UnixSockets.accept(server);
            ByteArrayOutputStream json = new ByteArrayOutputStream();
            int fds = 0;
            try {
                for (;;) { // the runtime closes the connection after its one message
                    UnixSockets.Received r = UnixSockets.receiveFds(conn, 65536);
                    for (int fd : r.fds()) {
                        if (listener < 0) {
                            listener = fd;
                        } else {
                            Fds.close(fd);
                        }
                        fds++;
                    }
                    if (r.data().length == 0) {
                        break;
                    }
                    json.writeBytes(r.data());
                }
            } finally {
                Fds.close(conn);
            }
            fdsReceived = fds;
            message.complete(json.toString(StandardCharsets.UTF_8));
            while (!closed && listener >= 0) {
                short ev = Fds.poll(listener, Fds.POLLIN, 100);
                if ((ev & Fds.POLLHUP) != 0) {
                    break; // every process of the filter is gone
                }
                if ((ev & Fds.POLLIN) != 0) {
                    Notification n = answer(listener, val, error);
                    if (n != null) {
                        seen.add(n);
                    }
                }
            }
        } catch (RuntimeException e) {
            message.completeExceptionally(e);
        } finally {
            if (listener >= 0) {
                Fds.close(listener);
            }
        }
    }

    /**
     * Takes the next notification on {@code listener} (blocking) and answers it with {@code val},
     * or with {@code error} (a negative errno) when non-zero; null if the process was gone.
     */
    public static Notification answer(int listener, long val, int error) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment notif = arena.allocate(NOTIF_SIZE, 8); // zeroed, as the kernel requires
            int r = LibC.ioctl(listener, NOTIF_RECV, notif);
            if (r < 0) {
                return null; // ENOENT: the process was killed before we got the notification
            }
            long id = notif.get(JAVA_LONG, 0);
            Notification n = new Notification(id, notif.get(JAVA_INT, 8), notif.get(JAVA_INT, 16));
            MemorySegment resp = arena.allocate(RESP_SIZE, 8);
            resp.set(JAVA_LONG, 0, id);
            resp.set(JAVA_LONG, 8, val);
            resp.set(JAVA_INT, 16, error);
            int sent = LibC.ioctl(listener, NOTIF_SEND, resp);
            if (sent < 0) {
                throw new IllegalStateException("ioctl(SECCOMP_IOCTL_NOTIF_SEND): " + Errno.describe(-sent));
            }
            return n;
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        thread.join(5000);
        Fds.close(server);
    }
}
