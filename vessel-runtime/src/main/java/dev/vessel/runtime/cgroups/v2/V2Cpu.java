package dev.vessel.runtime.cgroups.v2;

import dev.vessel.runtime.cgroups.CgroupException;
import dev.vessel.runtime.cgroups.CgroupFiles;
import dev.vessel.runtime.spec.LinuxResources;
import java.nio.file.Path;

/** {@code cpu}: weight (from OCI shares), bandwidth ({@code cpu.max}), burst, idle. */
final class V2Cpu implements V2Controller {

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public boolean requested(LinuxResources r) {
        LinuxResources.Cpu c = r.cpu();
        return c != null && (nonZero(c.shares()) || nonZero(c.quota()) || nonZero(c.period()) || c.burst() != null
                || c.idle() != null || nonZero(c.realtimePeriod()) || nonZero(c.realtimeRuntime()));
    }

    @Override
    public void set(Path dir, LinuxResources r) {
        LinuxResources.Cpu c = r.cpu();
        if (nonZero(c.realtimePeriod()) || nonZero(c.realtimeRuntime())) {
            throw new CgroupException("linux.resources.cpu.realtimePeriod/realtimeRuntime have no cgroup v2 "
                    + "equivalent (the kernel has no RT group scheduling on v2): remove them");
        }
        if (c.idle() != null) {
            CgroupFiles.write(who(), dir, "cpu.idle", Long.toString(c.idle()));
        }
        if (nonZero(c.shares())) {
            CgroupFiles.write(who(), dir, "cpu.weight", Long.toString(weight(c.shares())));
        }
        String max = max(c.quota(), c.period());
        if (max != null) {
            CgroupFiles.write(who(), dir, "cpu.max", max);
        }
        if (c.burst() != null) {
            CgroupFiles.write(who(), dir, "cpu.max.burst", Long.toString(c.burst()));
        }
    }

    /**
     * OCI shares (v1, 2–262144) to cpu.weight (1–10000), linearly, runc's formula: the v1
     * default 1024 becomes 39, not the v2 default 100 — what runc, crun and Kubernetes agree on.
     */
    static long weight(long shares) {
        long s = Math.clamp(shares, 2, 262144);
        return 1 + ((s - 2) * 9999) / 262142;
    }

    /** "quota period", "max period", or null to leave cpu.max alone; the kernel keeps an omitted period. */
    static String max(Long quota, Long period) {
        long q = quota == null ? 0 : quota;
        long p = period == null ? 0 : period;
        if (q == 0 && p == 0) {
            return null;
        }
        String s = q > 0 ? Long.toString(q) : "max";
        return p != 0 ? s + " " + p : s;
    }

    private static boolean nonZero(Long v) {
        return v != null && v != 0;
    }
}
