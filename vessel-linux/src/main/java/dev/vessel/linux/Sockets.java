package dev.vessel.linux;

import static dev.vessel.linux.NativeCall.errno;
import static dev.vessel.linux.NativeCall.link;
import static dev.vessel.linux.NativeCall.rethrow;
import static dev.vessel.linux.NativeCall.state;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The socket calls, C-shaped like {@link LibC} (result or {@code -errno}, handles linked on
 * first use). {@link UnixSockets} and {@link Fds} are the domain layer; addresses and messages
 * are built with the layouts in {@link Structs}.
 */
public final class Sockets {

    private static final class Socket {
        static final MethodHandle H = link("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    }
    private static final class Socketpair {
        static final MethodHandle H = link("socketpair",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    }
    private static final class Connect {
        static final MethodHandle H = link("connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    }
    private static final class Bind {
        static final MethodHandle H = link("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    }
    private static final class Listen {
        static final MethodHandle H = link("listen", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    }
    private static final class Accept4 {
        static final MethodHandle H = link("accept4",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    }
    private static final class Send {
        static final MethodHandle H = link("send", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    }
    private static final class Sendmsg {
        static final MethodHandle H = link("sendmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    }
    private static final class Recvmsg {
        static final MethodHandle H = link("recvmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    }

    private Sockets() {}

    public static int socket(int domain, int type, int protocol) {
        MemorySegment st = state();
        try {
            int r = (int) Socket.H.invokeExact(st, domain, type, protocol);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int socketpair(int domain, int type, int protocol, MemorySegment fds) {
        MemorySegment st = state();
        try {
            int r = (int) Socketpair.H.invokeExact(st, domain, type, protocol, fds);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int connect(int fd, MemorySegment address, int length) {
        MemorySegment st = state();
        try {
            int r = (int) Connect.H.invokeExact(st, fd, address, length);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int bind(int fd, MemorySegment address, int length) {
        MemorySegment st = state();
        try {
            int r = (int) Bind.H.invokeExact(st, fd, address, length);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int listen(int fd, int backlog) {
        MemorySegment st = state();
        try {
            int r = (int) Listen.H.invokeExact(st, fd, backlog);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** accept4 without the peer address (AF_UNIX peers are unnamed here). */
    public static int accept4(int fd, int flags) {
        MemorySegment st = state();
        try {
            int r = (int) Accept4.H.invokeExact(st, fd, MemorySegment.NULL, MemorySegment.NULL, flags);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long send(int fd, MemorySegment buf, long count, int flags) {
        MemorySegment st = state();
        try {
            long r = (long) Send.H.invokeExact(st, fd, buf, count, flags);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long sendmsg(int fd, MemorySegment msghdr, int flags) {
        MemorySegment st = state();
        try {
            long r = (long) Sendmsg.H.invokeExact(st, fd, msghdr, flags);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long recvmsg(int fd, MemorySegment msghdr, int flags) {
        MemorySegment st = state();
        try {
            long r = (long) Recvmsg.H.invokeExact(st, fd, msghdr, flags);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
