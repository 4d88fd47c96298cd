package dev.vessel.linux;

import static dev.vessel.linux.NativeCall.errno;
import static dev.vessel.linux.NativeCall.link;
import static dev.vessel.linux.NativeCall.linkVariadic;
import static dev.vessel.linux.NativeCall.rethrow;
import static dev.vessel.linux.NativeCall.state;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The C-shaped layer: one method per libc function, same arguments, returning the C result or
 * {@code -errno}. No exceptions here; the domain classes ({@link Fds}, {@link Processes},
 * {@link Mounts}, ...) turn a negative result into a {@link LinuxException}.
 */
public final class LibC {

    /** syscall(2) numbers; x86_64 and arm64 share them for these newer calls (asm-generic table). */
    public static final long SYS_PIDFD_SEND_SIGNAL = 424, SYS_PIDFD_OPEN = 434;

    private static final MethodHandle CLOSE = link("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle READ = link("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = link("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle PIPE2 = link("pipe2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SOCKETPAIR = link("socketpair",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle POLL = link("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle FCNTL = linkVariadic("fcntl", 2,
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle OPEN = linkVariadic("open", 2,
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle MKFIFO = link("mkfifo", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle WAITPID = link("waitpid", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle KILL = link("kill", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle GETPID = link("getpid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle GETUID = link("getuid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle GETEUID = link("geteuid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle PRCTL = linkVariadic("prctl", 1,
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle SYSCALL2 = linkVariadic("syscall", 1,
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle SYSCALL4 = linkVariadic("syscall", 1,
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle MOUNT = link("mount",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
    private static final MethodHandle UMOUNT2 = link("umount2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SEND = link("send", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle SENDMSG = link("sendmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECVMSG = link("recvmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle IOCTL_PTR = linkVariadic("ioctl", 2,
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));

    private static final MethodHandle IOCTL_INT = linkVariadic("ioctl", 2,
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT));
    private static final MethodHandle SOCKET = link("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle CONNECT = link("connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle BIND = link("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle LISTEN = link("listen", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle ACCEPT4 = link("accept4",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));

    private static final MethodHandle MEMFD_CREATE = link("memfd_create", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));

    private LibC() {}

    public static int close(int fd) {
        MemorySegment st = state();
        try {
            int r = (int) CLOSE.invokeExact(st, fd);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long read(int fd, MemorySegment buf, long count) {
        MemorySegment st = state();
        try {
            long r = (long) READ.invokeExact(st, fd, buf, count);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long write(int fd, MemorySegment buf, long count) {
        MemorySegment st = state();
        try {
            long r = (long) WRITE.invokeExact(st, fd, buf, count);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** @param fds an int[2] segment receiving the read and write ends */
    public static int pipe2(MemorySegment fds, int flags) {
        MemorySegment st = state();
        try {
            int r = (int) PIPE2.invokeExact(st, fds, flags);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int socketpair(int domain, int type, int protocol, MemorySegment fds) {
        MemorySegment st = state();
        try {
            int r = (int) SOCKETPAIR.invokeExact(st, domain, type, protocol, fds);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int poll(MemorySegment fds, long nfds, int timeoutMillis) {
        MemorySegment st = state();
        try {
            int r = (int) POLL.invokeExact(st, fds, nfds, timeoutMillis);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int fcntl(int fd, int cmd, int arg) {
        MemorySegment st = state();
        try {
            int r = (int) FCNTL.invokeExact(st, fd, cmd, arg);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int open(String path, int flags, int mode) {
        MemorySegment st = state();
        try (Arena arena = Arena.ofConfined()) {
            int r = (int) OPEN.invokeExact(st, arena.allocateFrom(path), flags, mode);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int mkfifo(String path, int mode) {
        MemorySegment st = state();
        try (Arena arena = Arena.ofConfined()) {
            int r = (int) MKFIFO.invokeExact(st, arena.allocateFrom(path), mode);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** @param status an int segment receiving the wait status, or NULL */
    public static int waitpid(int pid, MemorySegment status, int options) {
        MemorySegment st = state();
        try {
            int r = (int) WAITPID.invokeExact(st, pid, status, options);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int kill(int pid, int signal) {
        MemorySegment st = state();
        try {
            int r = (int) KILL.invokeExact(st, pid, signal);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int getpid() {
        try {
            return (int) GETPID.invokeExact(state());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int getuid() {
        try {
            return (int) GETUID.invokeExact(state());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int geteuid() {
        try {
            return (int) GETEUID.invokeExact(state());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int prctl(int option, long arg2, long arg3, long arg4, long arg5) {
        MemorySegment st = state();
        try {
            int r = (int) PRCTL.invokeExact(st, option, arg2, arg3, arg4, arg5);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** syscall(number, a, b) for calls glibc does not wrap. */
    public static long syscall(long number, long a, long b) {
        MemorySegment st = state();
        try {
            long r = (long) SYSCALL2.invokeExact(st, number, a, b);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long syscall(long number, long a, long b, long c, long d) {
        MemorySegment st = state();
        try {
            long r = (long) SYSCALL4.invokeExact(st, number, a, b, c, d);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** mount(2); null strings are passed as NULL. */
    public static int mount(String source, String target, String fsType, long flags, String data) {
        MemorySegment st = state();
        try (Arena arena = Arena.ofConfined()) {
            int r = (int) MOUNT.invokeExact(st, cString(arena, source), cString(arena, target),
                    cString(arena, fsType), flags, cString(arena, data));
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int umount2(String target, int flags) {
        MemorySegment st = state();
        try (Arena arena = Arena.ofConfined()) {
            int r = (int) UMOUNT2.invokeExact(st, arena.allocateFrom(target), flags);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long send(int fd, MemorySegment buf, long count, int flags) {
        MemorySegment st = state();
        try {
            long r = (long) SEND.invokeExact(st, fd, buf, count, flags);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long sendmsg(int fd, MemorySegment msghdr, int flags) {
        MemorySegment st = state();
        try {
            long r = (long) SENDMSG.invokeExact(st, fd, msghdr, flags);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long recvmsg(int fd, MemorySegment msghdr, int flags) {
        MemorySegment st = state();
        try {
            long r = (long) RECVMSG.invokeExact(st, fd, msghdr, flags);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** ioctl(fd, request, pointer). */
    public static int ioctl(int fd, long request, MemorySegment arg) {
        MemorySegment st = state();
        try {
            int r = (int) IOCTL_PTR.invokeExact(st, fd, request, arg);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** ioctl(fd, request, int): requests whose argument is a value, not a pointer (TIOCGPTPEER). */
    public static int ioctl(int fd, long request, int arg) {
        MemorySegment st = state();
        try {
            int r = (int) IOCTL_INT.invokeExact(st, fd, request, arg);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int socket(int domain, int type, int protocol) {
        MemorySegment st = state();
        try {
            int r = (int) SOCKET.invokeExact(st, domain, type, protocol);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int connect(int fd, MemorySegment address, int length) {
        MemorySegment st = state();
        try {
            int r = (int) CONNECT.invokeExact(st, fd, address, length);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int bind(int fd, MemorySegment address, int length) {
        MemorySegment st = state();
        try {
            int r = (int) BIND.invokeExact(st, fd, address, length);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int listen(int fd, int backlog) {
        MemorySegment st = state();
        try {
            int r = (int) LISTEN.invokeExact(st, fd, backlog);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** accept4 without the peer address (AF_UNIX peers are unnamed here). */
    public static int accept4(int fd, int flags) {
        MemorySegment st = state();
        try {
            int r = (int) ACCEPT4.invokeExact(st, fd, MemorySegment.NULL, MemorySegment.NULL, flags);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int memfd_create(String name, int flags) {
        MemorySegment st = state();
        try (Arena arena = Arena.ofConfined()) {
            int r = (int) MEMFD_CREATE.invokeExact(st, arena.allocateFrom(name), flags);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static MemorySegment cString(Arena arena, String s) {
        return s == null ? MemorySegment.NULL : arena.allocateFrom(s);
    }
}
