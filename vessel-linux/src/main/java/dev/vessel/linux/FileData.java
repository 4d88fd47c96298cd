package dev.vessel.linux;

import static dev.vessel.linux.NativeCall.errno;
import static dev.vessel.linux.NativeCall.link;
import static dev.vessel.linux.NativeCall.rethrow;
import static dev.vessel.linux.NativeCall.state;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The data of regular files, C-shaped like {@link LibC} (result or {@code -errno}): positional
 * I/O, fdatasync and fallocate, as a virtual disk needs them.
 *
 * <p>{@link #pread} and {@link #pwrite} take the buffer as a raw host address (a {@code long},
 * which the x86-64 and AArch64 C ABIs pass exactly like a pointer), so a caller that owns a large
 * mapping (guest RAM) moves data between the file and that memory without making a segment per
 * request. The caller guarantees that [address, address+count) is mapped for the whole call.
 */
public final class FileData {

    public static final int FALLOC_FL_KEEP_SIZE = 0x01, FALLOC_FL_PUNCH_HOLE = 0x02, FALLOC_FL_ZERO_RANGE = 0x10;

    private static final class Pread {
        static final MethodHandle H = link("pread", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG));
    }
    private static final class Pwrite {
        static final MethodHandle H = link("pwrite", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG));
    }
    private static final class Fdatasync {
        static final MethodHandle H = link("fdatasync", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }
    private static final class Fallocate {
        static final MethodHandle H = link("fallocate", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
    }

    private FileData() {}

    public static long pread(int fd, long address, long count, long offset) {
        MemorySegment st = state();
        try {
            long r = (long) Pread.H.invokeExact(st, fd, address, count, offset);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long pwrite(int fd, long address, long count, long offset) {
        MemorySegment st = state();
        try {
            long r = (long) Pwrite.H.invokeExact(st, fd, address, count, offset);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int fdatasync(int fd) {
        MemorySegment st = state();
        try {
            int r = (int) Fdatasync.H.invokeExact(st, fd);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int fallocate(int fd, int mode, long offset, long length) {
        MemorySegment st = state();
        try {
            int r = (int) Fallocate.H.invokeExact(st, fd, mode, offset, length);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
