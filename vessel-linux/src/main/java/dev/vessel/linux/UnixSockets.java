package dev.vessel.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Descriptor passing over AF_UNIX sockets (SCM_RIGHTS), as the OCI console socket protocol uses
 * to hand a pty master to the caller.
 */
public final class UnixSockets {

    static final int SOL_SOCKET = 1, SCM_RIGHTS = 1;
    public static final int MSG_NOSIGNAL = 0x4000, MSG_CMSG_CLOEXEC = 0x40000000;
    private static final int MAX_FDS = 64;

    private UnixSockets() {}

    /** A connected AF_UNIX stream socket (close-on-exec), e.g. to an OCI --console-socket. */
    public static int connect(String path) {
        int fd = LinuxException.check(Sockets.socket(Fds.AF_UNIX, Fds.SOCK_STREAM | Fds.SOCK_CLOEXEC, 0),
                "socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)");
        try (Arena arena = Arena.ofConfined()) {
            int r;
            do {
                r = Sockets.connect(fd, address(arena, path), (int) Structs.SOCKADDR_UN.byteSize());
            } while (r == -Errno.EINTR.number()); // the connection attempt goes on; retrying is allowed for AF_UNIX
            LinuxException.check(r, "connect(" + fd + ", \"" + path + "\")");
            return fd;
        } catch (RuntimeException e) {
            LibC.close(fd); // the connect failure is what the caller needs to see
            throw e;
        }
    }

    /** A listening AF_UNIX stream socket bound to {@code path} (close-on-exec). */
    public static int listen(String path, int backlog) {
        int fd = LinuxException.check(Sockets.socket(Fds.AF_UNIX, Fds.SOCK_STREAM | Fds.SOCK_CLOEXEC, 0),
                "socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)");
        try (Arena arena = Arena.ofConfined()) {
            LinuxException.check(Sockets.bind(fd, address(arena, path), (int) Structs.SOCKADDR_UN.byteSize()),
                    "bind(" + fd + ", \"" + path + "\")");
            LinuxException.check(Sockets.listen(fd, backlog), "listen(" + fd + ", " + backlog + ")");
            return fd;
        } catch (RuntimeException e) {
            LibC.close(fd); // the bind/listen failure is what the caller needs to see
            throw e;
        }
    }

    /** accept4(SOCK_CLOEXEC), retried on EINTR. */
    public static int accept(int listener) {
        int r;
        do {
            r = Sockets.accept4(listener, Fds.SOCK_CLOEXEC);
        } while (r == -Errno.EINTR.number()); // interrupted while waiting, no connection taken
        return LinuxException.check(r, "accept4(" + listener + ", SOCK_CLOEXEC)");
    }

    private static MemorySegment address(Arena arena, String path) {
        byte[] p = path.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (p.length >= 108) {
            throw new IllegalArgumentException("socket path \"" + path + "\" is " + p.length
                    + " bytes; AF_UNIX allows at most 107: use a shorter path");
        }
        MemorySegment sa = arena.allocate(Structs.SOCKADDR_UN);
        sa.set(JAVA_SHORT, 0, (short) Fds.AF_UNIX);
        MemorySegment.copy(p, 0, sa, JAVA_BYTE, Structs.offset(Structs.SOCKADDR_UN, "sun_path"), p.length);
        return sa;
    }

    /** A message received with its descriptors (close-on-exec). */
    public record Received(byte[] data, int[] fds) {}

    /**
     * sendmsg with {@code data} (at least one byte: a stream carries no empty messages) and
     * SCM_RIGHTS {@code fds}; all of the data is sent, the descriptors with its first part.
     */
    public static void sendFds(int socket, byte[] data, int... fds) {
        if (data.length == 0) {
            throw new IllegalArgumentException("sendFds needs at least one byte of data to carry the descriptors");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocateFrom(JAVA_BYTE, data);
            MemorySegment iov = arena.allocate(Structs.IOVEC);
            iov.set(ADDRESS, Structs.IOV_BASE, buf);
            iov.set(JAVA_LONG, Structs.IOV_LEN, data.length);
            long space = Structs.cmsgSpace(4L * fds.length);
            MemorySegment control = arena.allocate(space, 8);
            control.set(JAVA_LONG, Structs.CMSG_LEN, Structs.cmsgLen(4L * fds.length));
            control.set(JAVA_INT, Structs.CMSG_LEVEL, SOL_SOCKET);
            control.set(JAVA_INT, Structs.CMSG_TYPE, SCM_RIGHTS);
            for (int i = 0; i < fds.length; i++) {
                control.set(JAVA_INT, Structs.CMSGHDR.byteSize() + 4L * i, fds[i]);
            }
            MemorySegment msg = arena.allocate(Structs.MSGHDR);
            msg.set(ADDRESS, Structs.MSG_IOV, iov);
            msg.set(JAVA_LONG, Structs.MSG_IOVLEN, 1);
            msg.set(ADDRESS, Structs.MSG_CONTROL, fds.length == 0 ? MemorySegment.NULL : control);
            msg.set(JAVA_LONG, Structs.MSG_CONTROLLEN, fds.length == 0 ? 0 : space);
            long n;
            do {
                n = Sockets.sendmsg(socket, msg, MSG_NOSIGNAL);
            } while (n == -Errno.EINTR.number()); // nothing was sent
            LinuxException.check(n, "sendmsg(" + socket + ", " + data.length + " bytes, " + fds.length + " fds)");
            if (n < data.length) {
                // A stream socket may take part of a large message (a signal, a full buffer); the
                // descriptors went with the first byte, the rest is plain data.
                Fds.sendFully(socket, java.util.Arrays.copyOfRange(data, (int) n, data.length));
            }
        }
    }

    /** recvmsg of up to {@code maxBytes} with any SCM_RIGHTS descriptors, received close-on-exec. */
    public static Received receiveFds(int socket, int maxBytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(maxBytes);
            MemorySegment iov = arena.allocate(Structs.IOVEC);
            iov.set(ADDRESS, Structs.IOV_BASE, buf);
            iov.set(JAVA_LONG, Structs.IOV_LEN, maxBytes);
            long space = Structs.cmsgSpace(4L * MAX_FDS);
            MemorySegment control = arena.allocate(space, 8);
            MemorySegment msg = arena.allocate(Structs.MSGHDR);
            msg.set(ADDRESS, Structs.MSG_IOV, iov);
            msg.set(JAVA_LONG, Structs.MSG_IOVLEN, 1);
            msg.set(ADDRESS, Structs.MSG_CONTROL, control);
            msg.set(JAVA_LONG, Structs.MSG_CONTROLLEN, space);
            long n;
            do {
                n = Sockets.recvmsg(socket, msg, MSG_CMSG_CLOEXEC);
            } while (n == -Errno.EINTR.number()); // nothing was received
            LinuxException.check(n, "recvmsg(" + socket + ")");
            long controlLen = msg.get(JAVA_LONG, Structs.MSG_CONTROLLEN);
            int[] fds = new int[0];
            long hdr = Structs.CMSGHDR.byteSize();
            if (controlLen >= hdr && control.get(JAVA_INT, Structs.CMSG_LEVEL) == SOL_SOCKET && control.get(JAVA_INT, Structs.CMSG_TYPE) == SCM_RIGHTS) {
                int count = (int) ((control.get(JAVA_LONG, Structs.CMSG_LEN) - hdr) / 4);
                fds = new int[count];
                for (int i = 0; i < count; i++) {
                    fds[i] = control.get(JAVA_INT, hdr + 4L * i);
                }
            }
            return new Received(buf.asSlice(0, n).toArray(JAVA_BYTE), fds);
        }
    }
}
