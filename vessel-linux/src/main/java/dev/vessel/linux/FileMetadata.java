package dev.vessel.linux;

import static dev.vessel.linux.NativeCall.errno;
import static dev.vessel.linux.NativeCall.link;
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
 * The metadata of files that the JDK does not reach, C-shaped like {@link LibC} (result or
 * {@code -errno}): device nodes, extended attributes in every namespace (the JDK's
 * UserDefinedFileAttributeView knows only {@code user.} and follows symlinks), and timestamps
 * set without opening the file. {@link Xattrs} and {@link Inodes} are the domain layer.
 */
public final class FileMetadata {

    /** File type bits of st_mode (sys/stat.h). */
    public static final int S_IFIFO = 0010000, S_IFCHR = 0020000, S_IFBLK = 0060000;
    /** fcntl.h: the *at calls' "relative to the working directory" and "do not follow" flags. */
    public static final int AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100;
    /** linux/xattr.h: XATTR_SIZE_MAX and XATTR_LIST_MAX, the largest value and name list. */
    public static final int XATTR_SIZE_MAX = 65536, XATTR_LIST_MAX = 65536;

    private static final class Mknod {
        static final MethodHandle H = link("mknod", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG));
    }
    private static final class Lsetxattr {
        static final MethodHandle H = link("lsetxattr",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT));
    }
    private static final class Lgetxattr {
        static final MethodHandle H = link("lgetxattr",
            FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
    }
    private static final class Llistxattr {
        static final MethodHandle H = link("llistxattr", FunctionDescriptor.of(JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG));
    }
    private static final class Utimensat {
        static final MethodHandle H = link("utimensat",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    }

    private FileMetadata() {}

    /** Linux's dev_t encoding (glibc's makedev: 12 bits of major and 20 of minor, split). */
    public static long makedev(long major, long minor) {
        return ((major & 0xfffL) << 8) | ((major & ~0xfffL) << 32) | (minor & 0xffL) | ((minor & ~0xffL) << 12);
    }

    /** mknod(2); {@code mode} is a file type (S_IF*) or'ed with the permission bits. */
    public static int mknod(String path, int mode, long dev) {
        MemorySegment st = state();
        try (Arena arena = Arena.ofConfined()) {
            int r = (int) Mknod.H.invokeExact(st, arena.allocateFrom(path), mode, dev);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int lsetxattr(String path, String name, MemorySegment value, long size, int flags) {
        MemorySegment st = state();
        try (Arena arena = Arena.ofConfined()) {
            int r = (int) Lsetxattr.H.invokeExact(st, arena.allocateFrom(path), arena.allocateFrom(name), value,
                    size, flags);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The value's length, or -errno: ENODATA when absent, ERANGE when {@code size} is too small. */
    public static long lgetxattr(String path, String name, MemorySegment value, long size) {
        MemorySegment st = state();
        try (Arena arena = Arena.ofConfined()) {
            long r = (long) Lgetxattr.H.invokeExact(st, arena.allocateFrom(path), arena.allocateFrom(name), value, size);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The names, NUL-terminated back to back; returns the list's length, or -errno (ERANGE: too small). */
    public static long llistxattr(String path, MemorySegment list, long size) {
        MemorySegment st = state();
        try (Arena arena = Arena.ofConfined()) {
            long r = (long) Llistxattr.H.invokeExact(st, arena.allocateFrom(path), list, size);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** @param times a {@link Structs#TIMESPEC}[2] segment (atime, mtime), or NULL for "now" */
    public static int utimensat(int dirfd, String path, MemorySegment times, int flags) {
        MemorySegment st = state();
        try (Arena arena = Arena.ofConfined()) {
            int r = (int) Utimensat.H.invokeExact(st, dirfd, arena.allocateFrom(path), times, flags);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
