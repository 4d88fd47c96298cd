package dev.vessel.vmm.devices;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few libc functions the device models need that {@code dev.vessel.linux.LibC} does not
 * bind yet (positional I/O, fdatasync and fallocate for disks, socket for interface ioctls).
 * Same shape as LibC: C arguments, result or {@code -errno}, errno captured per thread. Move
 * these into vessel-linux once it offers them.
 *
 * <p>{@link #pread} and {@link #pwrite} take the buffer as a raw host address (a {@code long},
 * which the x86-64 and AArch64 C ABIs pass exactly like a pointer): the disk path then moves
 * data straight between the file and guest RAM without allocating a segment per request.
 */
public final class HostLibC {

    public static final int FALLOC_FL_KEEP_SIZE = 0x01, FALLOC_FL_PUNCH_HOLE = 0x02, FALLOC_FL_ZERO_RANGE = 0x10;
    public static final int AF_INET = 2, SOCK_DGRAM = 2, SOCK_CLOEXEC = 02000000;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(StructLayout.PathElement.groupElement("errno"));
    /** errno is per thread, so is its capture buffer: vCPU threads call these concurrently. */
    private static final ThreadLocal<MemorySegment> STATE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE_LAYOUT));

    private static final MethodHandle FALLOCATE = link("fallocate",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle PREAD = link("pread",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle PWRITE = link("pwrite",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle FDATASYNC = link("fdatasync", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle SOCKET = link("socket",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));

    private HostLibC() {
    }

    private static MethodHandle link(String name, FunctionDescriptor fd) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return LINKER.downcallHandle(symbol, fd, CAPTURE);
    }

    public static int fallocate(int fd, int mode, long offset, long len) {
        MemorySegment st = STATE.get();
        try {
            int r = (int) FALLOCATE.invokeExact(st, fd, mode, offset, len);
            return r < 0 ? -(int) ERRNO.get(st, 0L) : r;
        } catch (Throwable t) {
            throw new AssertionError("fallocate downcall failed", t);
        }
    }

    /**
     * pread(2) into host memory at {@code address}. The caller guarantees that
     * [address, address+count) is mapped and stays mapped for the call (guest RAM checked by the
     * virtqueue, freed only after the devices stopped).
     */
    public static long pread(int fd, long address, long count, long offset) {
        MemorySegment st = STATE.get();
        try {
            long r = (long) PREAD.invokeExact(st, fd, address, count, offset);
            return r < 0 ? -(int) ERRNO.get(st, 0L) : r;
        } catch (Throwable t) {
            throw new AssertionError("pread downcall failed", t);
        }
    }

    /** pwrite(2) from host memory at {@code address}; same contract as {@link #pread}. */
    public static long pwrite(int fd, long address, long count, long offset) {
        MemorySegment st = STATE.get();
        try {
            long r = (long) PWRITE.invokeExact(st, fd, address, count, offset);
            return r < 0 ? -(int) ERRNO.get(st, 0L) : r;
        } catch (Throwable t) {
            throw new AssertionError("pwrite downcall failed", t);
        }
    }

    public static int fdatasync(int fd) {
        MemorySegment st = STATE.get();
        try {
            int r = (int) FDATASYNC.invokeExact(st, fd);
            return r < 0 ? -(int) ERRNO.get(st, 0L) : r;
        } catch (Throwable t) {
            throw new AssertionError("fdatasync downcall failed", t);
        }
    }

    public static int socket(int domain, int type, int protocol) {
        MemorySegment st = STATE.get();
        try {
            int r = (int) SOCKET.invokeExact(st, domain, type, protocol);
            return r < 0 ? -(int) ERRNO.get(st, 0L) : r;
        } catch (Throwable t) {
            throw new AssertionError("socket downcall failed", t);
        }
    }
}
