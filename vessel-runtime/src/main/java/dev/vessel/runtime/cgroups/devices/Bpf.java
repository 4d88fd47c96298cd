package dev.vessel.runtime.cgroups.devices;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few bpf(2) commands the v2 device controller needs, C-shaped: each returns the
 * syscall's result or {@code -errno}. Written here rather than in vessel-linux because that
 * module had no bpf binding yet; it belongs there (as {@code dev.vessel.linux.Bpf}) once
 * someone else needs it.
 */
final class Bpf {
    private Bpf() {}

    static final int BPF_PROG_LOAD = 5;
    static final int BPF_PROG_ATTACH = 8;
    static final int BPF_PROG_DETACH = 9;
    static final int BPF_PROG_GET_FD_BY_ID = 13;
    static final int BPF_PROG_QUERY = 16;
    static final int BPF_PROG_TYPE_CGROUP_DEVICE = 15;
    static final int BPF_CGROUP_DEVICE = 6;
    static final int BPF_F_ALLOW_MULTI = 1 << 1;
    /** Bytes of union bpf_attr we pass: more than any command here uses; the kernel zero-fills the rest. */
    private static final long ATTR_SIZE = 128;

    private static final boolean AARCH64 = System.getProperty("os.arch").equals("aarch64");
    private static final long SYS_BPF = AARCH64 ? 280 : 321;
    private static final long SYS_OPENAT = AARCH64 ? 56 : 257;
    private static final long SYS_CLOSE = AARCH64 ? 57 : 3;
    private static final long AT_FDCWD = -100;
    private static final long O_RDONLY_CLOEXEC = 02000000;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    /**
     * long syscall(long nr, ...) with four long arguments; every call here fits that shape.
     * SAFETY: glibc's syscall(2) reads six longs from its varargs whatever we pass; unused ones
     * are ignored by the kernel for these syscalls.
     */
    private static final MethodHandle SYSCALL = LINKER.downcallHandle(
            LINKER.defaultLookup().find("syscall").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));

    static long syscall(long nr, long a, long b, long c, long d) {
        // The capture buffer is per call (confined arena), hence per thread.
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(CAPTURE);
            long r = (long) SYSCALL.invokeExact(errno, nr, a, b, c, d);
            return r == -1 ? -(int) ERRNO.get(errno, 0L) : r;
        } catch (Throwable t) {
            throw new AssertionError("syscall downcall failed", t);
        }
    }

    /** A read-only, close-on-exec fd of {@code path} (a cgroup directory), or -errno. */
    static int open(String path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = arena.allocateFrom(path);
            return (int) syscall(SYS_OPENAT, AT_FDCWD, p.address(), O_RDONLY_CLOEXEC, 0);
        }
    }

    static void close(int fd) {
        syscall(SYS_CLOSE, fd, 0, 0, 0);
    }

    /**
     * BPF_PROG_LOAD of a cgroup device program; fd or -errno. When {@code log} is non-null the
     * verifier's log is written into it (NUL-terminated).
     */
    static int progLoad(byte[] insns, String license, MemorySegment log) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment code = arena.allocate(insns.length, 8);
            code.copyFrom(MemorySegment.ofArray(insns));
            MemorySegment lic = arena.allocateFrom(license);
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(JAVA_INT, 0, BPF_PROG_TYPE_CGROUP_DEVICE); // prog_type
            attr.set(JAVA_INT, 4, insns.length / 8);            // insn_cnt
            attr.set(JAVA_LONG, 8, code.address());              // insns
            attr.set(JAVA_LONG, 16, lic.address());              // license
            if (log != null) {
                attr.set(JAVA_INT, 24, 1);                       // log_level
                attr.set(JAVA_INT, 28, (int) log.byteSize());    // log_size
                attr.set(JAVA_LONG, 32, log.address());          // log_buf
            }
            return (int) syscall(SYS_BPF, BPF_PROG_LOAD, attr.address(), ATTR_SIZE, 0);
        }
    }

    /** BPF_PROG_ATTACH / BPF_PROG_DETACH: {target_fd, attach_bpf_fd, attach_type, attach_flags}. */
    static int progAttach(int cmd, int cgroupFd, int progFd, int attachType, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(JAVA_INT, 0, cgroupFd);
            attr.set(JAVA_INT, 4, progFd);
            attr.set(JAVA_INT, 8, attachType);
            attr.set(JAVA_INT, 12, flags);
            return (int) syscall(SYS_BPF, cmd, attr.address(), ATTR_SIZE, 0);
        }
    }

    /** Ids of the programs attached to the cgroup itself (not inherited), or {-errno} as a one-element negative array. */
    static int[] progQuery(int cgroupFd, int attachType) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ids = arena.allocate(JAVA_INT, 64);
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(JAVA_INT, 0, cgroupFd);        // target_fd
            attr.set(JAVA_INT, 4, attachType);      // attach_type
            attr.set(JAVA_LONG, 16, ids.address()); // prog_ids
            attr.set(JAVA_INT, 24, 64);             // prog_cnt (in: capacity, out: count)
            long r = syscall(SYS_BPF, BPF_PROG_QUERY, attr.address(), ATTR_SIZE, 0);
            if (r < 0) {
                return new int[] {(int) r};
            }
            int n = Math.min(attr.get(JAVA_INT, 24), 64);
            int[] out = new int[n];
            for (int i = 0; i < n; i++) {
                out[i] = ids.getAtIndex(JAVA_INT, i);
            }
            return out;
        }
    }

    static int progGetFdById(int id) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(JAVA_INT, 0, id);
            return (int) syscall(SYS_BPF, BPF_PROG_GET_FD_BY_ID, attr.address(), ATTR_SIZE, 0);
        }
    }
}
