package dev.vessel.runtime.cgroups.devices;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.vessel.linux.Fds;
import dev.vessel.linux.LibC;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The few bpf(2) commands the v2 device controller needs, C-shaped on top of
 * {@link LibC#syscall}: each returns the result or {@code -errno}. The attr layouts are
 * {@code union bpf_attr} from linux/bpf.h. Here rather than in vessel-linux because nothing
 * else needs bpf yet; it moves there (as {@code dev.vessel.linux.Bpf}) when something does.
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
    /** bpf is one of the old per-architecture syscall numbers. */
    private static final long SYS_BPF = System.getProperty("os.arch").equals("aarch64") ? 280 : 321;

    private static long bpf(int cmd, MemorySegment attr) {
        return LibC.syscall(SYS_BPF, cmd, attr.address(), ATTR_SIZE, 0);
    }

    /** A read-only, close-on-exec fd of {@code path} (a cgroup directory), or -errno. */
    static int open(String path) {
        return LibC.open(path, Fds.O_RDONLY | Fds.O_DIRECTORY | Fds.O_CLOEXEC, 0);
    }

    static void close(int fd) {
        LibC.close(fd);
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
            return (int) bpf(BPF_PROG_LOAD, attr);
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
            return (int) bpf(cmd, attr);
        }
    }

    /**
     * Ids of the programs attached to the cgroup itself (not inherited); on failure a
     * one-element array holding -errno (ids are positive).
     */
    static int[] progQuery(int cgroupFd, int attachType) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ids = arena.allocate(JAVA_INT, 64);
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(JAVA_INT, 0, cgroupFd);        // target_fd
            attr.set(JAVA_INT, 4, attachType);      // attach_type
            attr.set(JAVA_LONG, 16, ids.address()); // prog_ids
            attr.set(JAVA_INT, 24, 64);             // prog_cnt (in: capacity, out: count); 64 is the kernel's maximum
            long r = bpf(BPF_PROG_QUERY, attr);
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
            return (int) bpf(BPF_PROG_GET_FD_BY_ID, attr);
        }
    }
}
