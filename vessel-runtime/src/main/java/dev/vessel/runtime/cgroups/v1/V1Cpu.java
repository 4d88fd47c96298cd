package dev.vessel.runtime.cgroups.v1;

import dev.vessel.runtime.cgroups.CgroupException;
import dev.vessel.runtime.cgroups.CgroupFiles;
import dev.vessel.runtime.cgroups.CgroupStats;
import dev.vessel.runtime.spec.LinuxResources;
import java.nio.file.Path;
import java.util.Map;

/** {@code cpu}: shares, CFS quota/period/burst, RT budget, idle; throttling statistics. */
final class V1Cpu implements V1Controller {

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public boolean requested(LinuxResources r) {
        LinuxResources.Cpu c = r.cpu();
        return c != null && (c.shares() != null || c.quota() != null || c.period() != null || c.burst() != null
                || c.realtimePeriod() != null || c.realtimeRuntime() != null || c.idle() != null);
    }

    @Override
    public void set(Path dir, LinuxResources r) {
        LinuxResources.Cpu c = r.cpu();
        if (c == null) {
            return;
        }
        if (c.shares() != null && c.shares() != 0) {
            CgroupFiles.write(who(), dir, "cpu.shares", Long.toString(c.shares()));
            // The kernel clamps out-of-range shares silently; say so instead (runc does too).
            long got = CgroupFiles.readLong(who(), dir, "cpu.shares");
            if (got != c.shares()) {
                throw new CgroupException(who() + ": linux.resources.cpu.shares " + c.shares()
                        + " is out of range: the kernel set " + got + " (use 2-262144)");
            }
        }
        long quota = c.quota() == null ? 0 : c.quota();
        boolean periodPending = false;
        if (c.period() != null && c.period() != 0) {
            try {
                CgroupFiles.write(who(), dir, "cpu.cfs_period_us", Long.toString(c.period()));
            } catch (CgroupException e) {
                // A period smaller than the current one can be refused (EINVAL) because the old
                // quota over the new period exceeds the parent's bandwidth; setting the quota
                // first makes it fit, so retry after it (runc's order).
                if (!"EINVAL".equals(e.errno()) || quota == 0) {
                    throw e;
                }
                periodPending = true;
            }
        }
        if (c.burst() != null && CgroupFiles.exists(dir, "cpu.cfs_burst_us")) {
            CgroupFiles.write(who(), dir, "cpu.cfs_burst_us", Long.toString(c.burst()));
        } else if (c.burst() != null && c.burst() != 0) {
            throw new CgroupException(who() + ": linux.resources.cpu.burst needs cpu.cfs_burst_us, "
                    + "which this kernel lacks (Linux 5.14+): remove burst");
        }
        if (quota != 0) {
            CgroupFiles.write(who(), dir, "cpu.cfs_quota_us", Long.toString(quota));
            if (periodPending) {
                CgroupFiles.write(who(), dir, "cpu.cfs_period_us", Long.toString(c.period()));
            }
        }
        // The period must be in place before a runtime that fits in it.
        if (c.realtimePeriod() != null && c.realtimePeriod() != 0) {
            CgroupFiles.write(who(), dir, "cpu.rt_period_us", Long.toString(c.realtimePeriod()));
        }
        if (c.realtimeRuntime() != null && c.realtimeRuntime() != 0) {
            try {
                CgroupFiles.write(who(), dir, "cpu.rt_runtime_us", Long.toString(c.realtimeRuntime()));
            } catch (CgroupException e) {
                if (!"EINVAL".equals(e.errno())) {
                    throw e;
                }
                // The RT budget is carved out of the parent's; new cgroups start with none. Like
                // Docker's --cpu-rt-runtime, the operator grants the parent a budget first.
                String parent = CgroupFiles.read(who(), dir.getParent(), "cpu.rt_runtime_us");
                throw new CgroupException(e.getMessage() + " (linux.resources.cpu.realtimeRuntime must fit in the parent "
                        + "cgroup's cpu.rt_runtime_us, " + parent + " at " + dir.getParent() + ": raise that first)",
                        e.errno(), e);
            }
        }
        if (c.idle() != null) {
            CgroupFiles.write(who(), dir, "cpu.idle", Long.toString(c.idle()));
        }
    }

    static CgroupStats.Throttling throttling(Path dir) {
        Map<String, Long> s = CgroupFiles.readKeyValues("cgroup v1 cpu", dir, "cpu.stat");
        return new CgroupStats.Throttling(s.getOrDefault("nr_periods", 0L), s.getOrDefault("nr_throttled", 0L),
                s.getOrDefault("throttled_time", 0L));
    }
}
