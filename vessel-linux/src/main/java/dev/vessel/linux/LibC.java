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
 * {@code -errno}. Each handle sits in its own holder class so it is linked on first use: linking
 * a downcall costs milliseconds, and a CLI invocation uses a handful of the twenty-odd. No
 * exceptions here; the domain classes ({@link Fds}, {@link Processes}, {@link Mounts}, ...) turn a
 * negative result into a {@link LinuxException}. Larger groups have C-shaped classes of their own:
 * {@link Sockets}, {@link FileData}, {@link FileMetadata}, {@link MountApi}.
 */
public final class LibC {

    /** syscall(2) numbers; x86_64 and arm64 share them for these newer calls (asm-generic table). */
    public static final long SYS_PIDFD_SEND_SIGNAL = 424, SYS_PIDFD_OPEN = 434;

    private static final class Close {
        static final MethodHandle H = link("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }
    private static final class Read {
        static final MethodHandle H = link("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    }
    private static final class Write {
        static final MethodHandle H = link("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    }
    private static final class Pipe2 {
        static final MethodHandle H = link("pipe2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    }
    private static final class Poll {
        static final MethodHandle H = link("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    }
    private static final class Fcntl {
        static final MethodHandle H = linkVariadic("fcntl", 2,
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    }
    private static final class Open {
        static final MethodHandle H = linkVariadic("open", 2,
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    }
    private static final class Mkfifo {
        static final MethodHandle H = link("mkfifo", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    }
    private static final class Waitpid {
        static final MethodHandle H = link("waitpid", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    }
    private static final class Kill {
        static final MethodHandle H = link("kill", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    }
    private static final class Getpid {
        static final MethodHandle H = link("getpid", FunctionDescriptor.of(JAVA_INT));
    }
    private static final class Getuid {
        static final MethodHandle H = link("getuid", FunctionDescriptor.of(JAVA_INT));
    }
    private static final class Geteuid {
        static final MethodHandle H = link("geteuid", FunctionDescriptor.of(JAVA_INT));
    }
    private static final class Prctl {
        static final MethodHandle H = linkVariadic("prctl", 1,
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG));
    }
    private static final class Syscall2 {
        static final MethodHandle H = linkVariadic("syscall", 1,
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG));
    }
    private static final class Syscall4 {
        static final MethodHandle H = linkVariadic("syscall", 1,
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG));
    }
    private static final class Mount {
        static final MethodHandle H = link("mount",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
    }
    private static final class Umount2 {
        static final MethodHandle H = link("umount2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    }
    private static final class IoctlPtr {
        static final MethodHandle H = linkVariadic("ioctl", 2,
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));
    }

    private static final class IoctlInt {
        static final MethodHandle H = linkVariadic("ioctl", 2,
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT));
    }

    private static final class MemfdCreate {
        static final MethodHandle H = link("memfd_create", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    }

    private LibC() {}

    public static int close(int fd) {
        MemorySegment st = state();
        try {
            int r = (int) Close.H.invokeExact(st, fd);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long read(int fd, MemorySegment buf, long count) {
        MemorySegment st = state();
        try {
            long r = (long) Read.H.invokeExact(st, fd, buf, count);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long write(int fd, MemorySegment buf, long count) {
        MemorySegment st = state();
        try {
            long r = (long) Write.H.invokeExact(st, fd, buf, count);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** @param fds an int[2] segment receiving the read and write ends */
    public static int pipe2(MemorySegment fds, int flags) {
        MemorySegment st = state();
        try {
            int r = (int) Pipe2.H.invokeExact(st, fds, flags);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int poll(MemorySegment fds, long nfds, int timeoutMillis) {
        MemorySegment st = state();
        try {
            int r = (int) Poll.H.invokeExact(st, fds, nfds, timeoutMillis);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int fcntl(int fd, int cmd, int arg) {
        MemorySegment st = state();
        try {
            int r = (int) Fcntl.H.invokeExact(st, fd, cmd, arg);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int open(String path, int flags, int mode) {
        MemorySegment st = state();
        try (Arena arena = Arena.ofConfined()) {
            int r = (int) Open.H.invokeExact(st, arena.allocateFrom(path), flags, mode);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int mkfifo(String path, int mode) {
        MemorySegment st = state();
        try (Arena arena = Arena.ofConfined()) {
            int r = (int) Mkfifo.H.invokeExact(st, arena.allocateFrom(path), mode);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** @param status an int segment receiving the wait status, or NULL */
    public static int waitpid(int pid, MemorySegment status, int options) {
        MemorySegment st = state();
        try {
            int r = (int) Waitpid.H.invokeExact(st, pid, status, options);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int kill(int pid, int signal) {
        MemorySegment st = state();
        try {
            int r = (int) Kill.H.invokeExact(st, pid, signal);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int getpid() {
        try {
            return (int) Getpid.H.invokeExact(state());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int getuid() {
        try {
            return (int) Getuid.H.invokeExact(state());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int geteuid() {
        try {
            return (int) Geteuid.H.invokeExact(state());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int prctl(int option, long arg2, long arg3, long arg4, long arg5) {
        MemorySegment st = state();
        try {
            int r = (int) Prctl.H.invokeExact(st, option, arg2, arg3, arg4, arg5);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** syscall(number, a, b) for calls glibc does not wrap. */
    public static long syscall(long number, long a, long b) {
        MemorySegment st = state();
        try {
            long r = (long) Syscall2.H.invokeExact(st, number, a, b);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long syscall(long number, long a, long b, long c, long d) {
        MemorySegment st = state();
        try {
            long r = (long) Syscall4.H.invokeExact(st, number, a, b, c, d);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** mount(2); null strings are passed as NULL. */
    public static int mount(String source, String target, String fsType, long flags, String data) {
        MemorySegment st = state();
        try (Arena arena = Arena.ofConfined()) {
            int r = (int) Mount.H.invokeExact(st, cString(arena, source), cString(arena, target),
                    cString(arena, fsType), flags, cString(arena, data));
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int umount2(String target, int flags) {
        MemorySegment st = state();
        try (Arena arena = Arena.ofConfined()) {
            int r = (int) Umount2.H.invokeExact(st, arena.allocateFrom(target), flags);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** ioctl(fd, request, pointer). */
    public static int ioctl(int fd, long request, MemorySegment arg) {
        MemorySegment st = state();
        try {
            int r = (int) IoctlPtr.H.invokeExact(st, fd, request, arg);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** ioctl(fd, request, int): requests whose argument is a value, not a pointer (TIOCGPTPEER). */
    public static int ioctl(int fd, long request, int arg) {
        MemorySegment st = state();
        try {
            int r = (int) IoctlInt.H.invokeExact(st, fd, request, arg);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int memfd_create(String name, int flags) {
        MemorySegment st = state();
        try (Arena arena = Arena.ofConfined()) {
            int r = (int) MemfdCreate.H.invokeExact(st, arena.allocateFrom(name), flags);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static MemorySegment cString(Arena arena, String s) {
        return s == null ? MemorySegment.NULL : arena.allocateFrom(s);
    }
}
