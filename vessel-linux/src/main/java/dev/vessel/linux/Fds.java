package dev.vessel.linux;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** File descriptors: open, pipes, socket pairs, read/write, poll, fifos. */
public final class Fds {

    public static final int O_RDONLY = 0, O_WRONLY = 01, O_RDWR = 02, O_CREAT = 0100, O_EXCL = 0200,
            O_NOCTTY = 0400, O_TRUNC = 01000, O_APPEND = 02000, O_NONBLOCK = 04000,
            O_DIRECTORY = 0200000, O_NOFOLLOW = 0400000, O_CLOEXEC = 02000000, O_PATH = 010000000;
    public static final int AF_UNIX = 1, AF_INET = 2, SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_SEQPACKET = 5,
            SOCK_CLOEXEC = 02000000, SOCK_NONBLOCK = 04000;
    public static final short POLLIN = 1, POLLOUT = 4, POLLERR = 8, POLLHUP = 16, POLLNVAL = 32;
    static final int F_GETFD = 1, F_SETFD = 2, FD_CLOEXEC = 1;

    private Fds() {}

    /** A pair of descriptors: a pipe's read and write ends, or the two ends of a socket pair. */
    public record Pair(int first, int second) {}

    public static int open(String path, int flags, int mode) {
        return LinuxException.check(LibC.open(path, flags, mode),
                "open(\"" + path + "\", 0" + Integer.toOctalString(flags) + ", 0" + Integer.toOctalString(mode) + ")");
    }

    public static void close(int fd) {
        LinuxException.check(LibC.close(fd), "close(" + fd + ")");
    }

    /** pipe2(O_CLOEXEC): {@code first} is the read end, {@code second} the write end. */
    public static Pair pipe() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            LinuxException.check(LibC.pipe2(fds, O_CLOEXEC), "pipe2(O_CLOEXEC)");
            return new Pair(fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1));
        }
    }

    /** socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0). */
    public static Pair socketPair(int type) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            LinuxException.check(Sockets.socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, fds),
                    "socketpair(AF_UNIX, " + type + " | SOCK_CLOEXEC, 0)");
            return new Pair(fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1));
        }
    }

    /** One read(2): the number of bytes read, 0 at end of file. Retries on EINTR. */
    public static int read(int fd, byte[] buf, int off, int len) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(Math.max(1, len));
            long n;
            do {
                n = LibC.read(fd, seg, len);
            } while (n == -Errno.EINTR.number()); // a signal interrupted the wait, no data lost
            LinuxException.check(n, "read(" + fd + ", " + len + ")");
            MemorySegment.copy(seg, JAVA_BYTE, 0, buf, off, (int) n);
            return (int) n;
        }
    }

    /** Reads exactly {@code len} bytes; false when end of file comes first (after 0 or more bytes). */
    public static boolean readFully(int fd, byte[] buf, int off, int len) {
        int done = 0;
        while (done < len) {
            int n = read(fd, buf, off + done, len - done);
            if (n == 0) {
                return false;
            }
            done += n;
        }
        return true;
    }

    /** Writes all of {@code data}, looping over short writes and EINTR. */
    public static void writeFully(int fd, byte[] data) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocateFrom(JAVA_BYTE, data);
            long done = 0;
            while (done < data.length) {
                long n = LibC.write(fd, seg.asSlice(done), data.length - done);
                if (n == -Errno.EINTR.number()) {
                    continue; // interrupted before anything was written
                }
                LinuxException.check(n, "write(" + fd + ", " + (data.length - done) + " bytes)");
                done += n;
            }
        }
    }

    /** Sends all of {@code data} on a socket with MSG_NOSIGNAL: a closed peer is EPIPE, not a SIGPIPE. */
    public static void sendFully(int socket, byte[] data) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocateFrom(JAVA_BYTE, data);
            long done = 0;
            while (done < data.length) {
                long n = Sockets.send(socket, seg.asSlice(done), data.length - done, UnixSockets.MSG_NOSIGNAL);
                if (n == -Errno.EINTR.number()) {
                    continue; // interrupted before anything was sent
                }
                LinuxException.check(n, "send(" + socket + ", " + (data.length - done) + " bytes)");
                done += n;
            }
        }
    }

    /**
     * Waits until {@code fd} has one of {@code events}; returns the revents (POLLHUP/POLLERR
     * included), or 0 on timeout. A negative timeout waits forever.
     */
    public static short poll(int fd, short events, int timeoutMillis) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pfd = arena.allocate(Structs.POLLFD);
            pfd.set(JAVA_INT, 0, fd);
            pfd.set(JAVA_SHORT, 4, events);
            int r;
            do {
                r = LibC.poll(pfd, 1, timeoutMillis);
            } while (r == -Errno.EINTR.number()); // the timeout restarts: callers use it as a bound only
            LinuxException.check(r, "poll(" + fd + ", " + events + ", " + timeoutMillis + ")");
            return r == 0 ? 0 : pfd.get(JAVA_SHORT, 6);
        }
    }

    public static void setCloseOnExec(int fd, boolean on) {
        int flags = LinuxException.check(LibC.fcntl(fd, F_GETFD, 0), "fcntl(" + fd + ", F_GETFD)");
        int updated = on ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC;
        LinuxException.check(LibC.fcntl(fd, F_SETFD, updated), "fcntl(" + fd + ", F_SETFD, " + updated + ")");
    }

    public static boolean isCloseOnExec(int fd) {
        return (LinuxException.check(LibC.fcntl(fd, F_GETFD, 0), "fcntl(" + fd + ", F_GETFD)") & FD_CLOEXEC) != 0;
    }

    public static void mkfifo(String path, int mode) {
        LinuxException.check(LibC.mkfifo(path, mode), "mkfifo(\"" + path + "\", 0" + Integer.toOctalString(mode) + ")");
    }
}
