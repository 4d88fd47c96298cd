package dev.vessel.runtime.cgroups.devices;

import dev.vessel.linux.Errno;
import dev.vessel.runtime.cgroups.CgroupException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;

/**
 * Device rules on cgroup v2 through bpf(2), as runc does: load the program compiled by
 * {@link DeviceFilter}, attach it with {@code BPF_F_ALLOW_MULTI}, then detach the programs
 * that were there before. While both are attached the kernel needs both to allow an access,
 * so an update never opens a window wider than either rule set.
 */
public final class BpfDeviceGate implements DeviceGate {
    private static final String WHO = "cgroup v2 devices";
    /** The program uses no GPL-only helper; runc says "Apache" too. */
    private static final String LICENSE = "Apache";

    @Override
    public void install(Path cgroupDir, List<DevicePermission> rules) {
        byte[] program = DeviceFilter.encode(DeviceFilter.compile(rules));
        int cg = Bpf.open(cgroupDir.toString());
        if (cg < 0) {
            throw error("opening " + cgroupDir, -cg, "");
        }
        try {
            int[] before = Bpf.progQuery(cg, Bpf.BPF_CGROUP_DEVICE);
            if (before.length == 1 && before[0] < 0) {
                throw error("listing the device programs of " + cgroupDir + " (BPF_PROG_QUERY)", -before[0], "");
            }
            int prog = load(program);
            try {
                int r = Bpf.progAttach(Bpf.BPF_PROG_ATTACH, cg, prog, Bpf.BPF_CGROUP_DEVICE, Bpf.BPF_F_ALLOW_MULTI);
                if (r < 0) {
                    throw error("attaching the device program to " + cgroupDir + " (BPF_PROG_ATTACH)", -r,
                            -r == 1 ? "needs CAP_SYS_ADMIN" : "");
                }
            } finally {
                Bpf.close(prog); // the attachment holds its own reference
            }
            for (int id : before) {
                detach(cg, id, cgroupDir);
            }
        } finally {
            Bpf.close(cg);
        }
    }

    private static int load(byte[] program) {
        int fd = Bpf.progLoad(program, LICENSE, null);
        if (fd >= 0) {
            return fd;
        }
        // Load again with the verifier's log, only to explain the failure.
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment log = arena.allocate(16384);
            int again = Bpf.progLoad(program, LICENSE, log);
            if (again >= 0) {
                return again;
            }
            String text = log.getString(0).strip();
            throw error("loading the device program (BPF_PROG_LOAD, " + program.length / 8 + " instructions)", -fd,
                    text.isEmpty() ? "" : "verifier: " + text.lines().reduce((a, b) -> b).orElse(""));
        }
    }

    private static void detach(int cg, int id, Path dir) {
        int fd = Bpf.progGetFdById(id);
        if (fd == -2) {
            return; // ENOENT: already gone
        }
        if (fd < 0) {
            throw error("opening old device program " + id + " of " + dir + " (BPF_PROG_GET_FD_BY_ID)", -fd, "");
        }
        try {
            int r = Bpf.progAttach(Bpf.BPF_PROG_DETACH, cg, fd, Bpf.BPF_CGROUP_DEVICE, 0);
            if (r < 0 && r != -2) { // ENOENT: someone detached it meanwhile
                throw error("detaching old device program " + id + " from " + dir + " (BPF_PROG_DETACH)", -r, "");
            }
        } finally {
            Bpf.close(fd);
        }
    }

    static CgroupException error(String what, int errno, String hint) {
        Errno e = Errno.of(errno);
        String text = e == null ? "Unknown error " + errno : e.text();
        return new CgroupException(WHO + ": " + what + ": " + text + " (" + Errno.nameOf(errno) + ")"
                + (hint.isEmpty() ? "" : " (" + hint + ")"), Errno.nameOf(errno), null);
    }
}
