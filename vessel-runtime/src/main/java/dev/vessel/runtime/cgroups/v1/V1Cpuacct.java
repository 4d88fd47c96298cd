package dev.vessel.runtime.cgroups.v1;

import dev.vessel.runtime.cgroups.CgroupFiles;
import dev.vessel.runtime.cgroups.CgroupStats;
import dev.vessel.runtime.spec.LinuxResources;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code cpuacct}: nothing to set; CPU usage statistics. */
final class V1Cpuacct implements V1Controller {
    /** cpuacct.stat counts USER_HZ ticks, which is 100 on every Linux ABI we run on. */
    static final long NANOS_PER_TICK = 1_000_000_000L / 100;

    @Override
    public String name() {
        return "cpuacct";
    }

    @Override
    public boolean requested(LinuxResources r) {
        return false;
    }

    @Override
    public void set(Path dir, LinuxResources r) {}

    static CgroupStats.CpuUsage usage(Path dir) {
        String who = "cgroup v1 cpuacct";
        long total = CgroupFiles.readLong(who, dir, "cpuacct.usage");
        List<Long> percpu = numbers(CgroupFiles.read(who, dir, "cpuacct.usage_percpu"));
        List<Long> percpuUser = new ArrayList<>();
        List<Long> percpuKernel = new ArrayList<>();
        if (CgroupFiles.exists(dir, "cpuacct.usage_all")) {
            // "cpu user system" per line after a header, in nanoseconds.
            String[] lines = CgroupFiles.read(who, dir, "cpuacct.usage_all").split("\n");
            for (int i = 1; i < lines.length; i++) {
                String[] f = lines[i].trim().split("\\s+");
                if (f.length == 3) {
                    percpuUser.add(Long.parseLong(f[1]));
                    percpuKernel.add(Long.parseLong(f[2]));
                }
            }
        }
        Map<String, Long> stat = CgroupFiles.readKeyValues(who, dir, "cpuacct.stat");
        return new CgroupStats.CpuUsage(total, percpu, percpuKernel, percpuUser,
                stat.getOrDefault("system", 0L) * NANOS_PER_TICK, stat.getOrDefault("user", 0L) * NANOS_PER_TICK);
    }

    static List<Long> numbers(String text) {
        List<Long> out = new ArrayList<>();
        for (String s : text.trim().split("\\s+")) {
            if (!s.isEmpty()) {
                out.add(Long.parseLong(s));
            }
        }
        return out;
    }
}
