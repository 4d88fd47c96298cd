package dev.vessel.image.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few libc calls the image code needs that the JDK does not offer: device nodes, xattrs
 * outside the {@code user.} namespace, and umount. C-shaped: each returns the call's result or
 * {@code -errno}; {@link NativeFs} turns that into exceptions. Kept here rather than taken from
 * vessel-linux so the image module does not move with that module's API while both are young.
 */
public final class Syscalls {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final MemoryLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO_HANDLE =
            CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static final MethodHandle MKNOD = handle("mknod",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
    private static final MethodHandle LSETXATTR = handle("lsetxattr",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                    ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    private static final MethodHandle LGETXATTR = handle("lgetxattr",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                    ValueLayout.JAVA_LONG));
    private static final MethodHandle LLISTXATTR = handle("llistxattr",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    private static final MethodHandle UMOUNT2 = handle("umount2",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle UTIMENSAT = handle("utimensat",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                    ValueLayout.JAVA_INT));
    private static final MethodHandle STRERROR = LINKER.downcallHandle(LIBC.find("strerror").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

    public static final int S_IFCHR = 0020000;
    public static final int S_IFBLK = 0060000;
    public static final int S_IFIFO = 0010000;
    public static final int MNT_DETACH = 2;
    public static final int AT_FDCWD = -100;
    public static final int AT_SYMLINK_NOFOLLOW = 0x100;

    private Syscalls() {
    }

    // SAFETY: each descriptor below matches the glibc prototype on x86-64/aarch64 Linux (int, size_t
    // and ssize_t as JAVA_INT/JAVA_LONG, pointers as ADDRESS); a wrong shape here would corrupt the call.
    private static MethodHandle handle(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(LIBC.find(name).orElseThrow(() -> new IllegalStateException("libc lacks " + name)),
                fd, ERRNO);
    }

    /** Linux's dev_t encoding (glibc makedev). */
    public static long makedev(long major, long minor) {
        return ((major & 0xfffL) << 8) | ((major & ~0xfffL) << 32) | (minor & 0xffL) | ((minor & ~0xffL) << 12);
    }

    public static int mknod(String path, int mode, long dev) {
        // The capture buffer lives in a confined arena per call, so errno is per thread by construction.
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            int r = (int) MKNOD.invokeExact(st, a.allocateFrom(path), mode, dev);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int lsetxattr(String path, String name, byte[] value) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            MemorySegment v = a.allocate(Math.max(1, value.length));
            MemorySegment.copy(value, 0, v, ValueLayout.JAVA_BYTE, 0, value.length);
            int r = (int) LSETXATTR.invokeExact(st, a.allocateFrom(path), a.allocateFrom(name), v, (long) value.length, 0);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Reads an xattr into {@code out}; returns its length or -errno (ENODATA when absent). */
    public static long lgetxattr(String path, String name, byte[] out) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            MemorySegment v = a.allocate(Math.max(1, out.length));
            return filled(st, v, (long) LGETXATTR.invokeExact(st, a.allocateFrom(path), a.allocateFrom(name), v,
                    (long) out.length), out);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Lists a file's xattr names (NUL-terminated, back to back) into {@code out}, never following a
     * final symlink; returns the list's length, or -errno (ERANGE when {@code out} is too small).
     */
    public static long llistxattr(String path, byte[] out) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            MemorySegment v = a.allocate(Math.max(1, out.length));
            return filled(st, v, (long) LLISTXATTR.invokeExact(st, a.allocateFrom(path), v, (long) out.length), out);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int umount2(String target, int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            int r = (int) UMOUNT2.invokeExact(st, a.allocateFrom(target), flags);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Sets atime and mtime without opening the file (the JDK's setTimes opens it, which blocks
     * on a FIFO) and, with AT_SYMLINK_NOFOLLOW, on a symlink itself.
     */
    public static int utimensat(String path, long atimeSec, long atimeNsec, long mtimeSec, long mtimeNsec, int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE);
            MemorySegment ts = a.allocate(ValueLayout.JAVA_LONG, 4); // struct timespec[2]
            ts.setAtIndex(ValueLayout.JAVA_LONG, 0, atimeSec);
            ts.setAtIndex(ValueLayout.JAVA_LONG, 1, atimeNsec);
            ts.setAtIndex(ValueLayout.JAVA_LONG, 2, mtimeSec);
            ts.setAtIndex(ValueLayout.JAVA_LONG, 3, mtimeNsec);
            int r = (int) UTIMENSAT.invokeExact(st, AT_FDCWD, a.allocateFrom(path), ts, flags);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            // SAFETY: strerror returns a NUL-terminated static string; 256 bytes bounds the longest glibc message.
            return s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** A call that filled {@code v} with {@code r} bytes: copies them to {@code out}; or -errno. */
    private static long filled(MemorySegment captured, MemorySegment v, long r, byte[] out) {
        if (r < 0) {
            return -errno(captured);
        }
        MemorySegment.copy(v, ValueLayout.JAVA_BYTE, 0, out, 0, (int) r);
        return r;
    }

    private static int errno(MemorySegment captured) {
        return (int) ERRNO_HANDLE.get(captured, 0L);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }
}
