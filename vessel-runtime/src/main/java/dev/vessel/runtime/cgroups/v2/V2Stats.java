package dev.vessel.runtime.cgroups.v2;

import dev.vessel.runtime.cgroups.CgroupFiles;
import dev.vessel.runtime.cgroups.CgroupStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** runc's {@code events --stats} numbers from the v2 files; v2 counts microseconds, runc prints nanoseconds. */
final class V2Stats {
    private V2Stats() {}

    static CgroupStats read(Path dir) {
        return new CgroupStats(cpu(dir), CgroupFiles.exists(dir, "memory.current") ? V2Memory.stats(dir) : null,
                pids(dir), V2Io.stats(dir), hugetlb(dir));
    }

    static CgroupStats.Cpu cpu(Path dir) {
        // cpu.stat exists without the cpu controller too (usage only); throttling needs it.
        Map<String, Long> s = CgroupFiles.readKeyValues("cgroup v2 cpu", dir, "cpu.stat");
        return new CgroupStats.Cpu(
                new CgroupStats.CpuUsage(s.getOrDefault("usage_usec", 0L) * 1000, List.of(), List.of(), List.of(),
                        s.getOrDefault("system_usec", 0L) * 1000, s.getOrDefault("user_usec", 0L) * 1000),
                new CgroupStats.Throttling(s.getOrDefault("nr_periods", 0L), s.getOrDefault("nr_throttled", 0L),
                        s.getOrDefault("throttled_usec", 0L) * 1000));
    }

    static CgroupStats.Pids pids(Path dir) {
        if (!CgroupFiles.exists(dir, "pids.current")) {
            return null;
        }
        long max = CgroupFiles.readLong("cgroup v2 pids", dir, "pids.max");
        return new CgroupStats.Pids(CgroupFiles.readLong("cgroup v2 pids", dir, "pids.current"),
                max == CgroupStats.UNLIMITED ? 0 : max);
    }

    static Map<String, CgroupStats.Hugetlb> hugetlb(Path dir) {
        Map<String, CgroupStats.Hugetlb> out = new TreeMap<>();
        List<String> sizes;
        try (Stream<Path> s = Files.list(dir)) {
            sizes = s.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("hugetlb.") && n.endsWith(".current") && !n.contains(".rsvd."))
                    .map(n -> n.substring("hugetlb.".length(), n.length() - ".current".length()))
                    .toList();
        } catch (IOException e) {
            return out;
        }
        for (String size : sizes) {
            String p = "hugetlb." + size + ".";
            long failcnt = CgroupFiles.exists(dir, p + "events")
                    ? CgroupFiles.readKeyValues("cgroup v2 hugetlb", dir, p + "events").getOrDefault("max", 0L) : 0;
            out.put(size, new CgroupStats.Hugetlb(CgroupFiles.readLong("cgroup v2 hugetlb", dir, p + "current"), 0, failcnt));
        }
        return out;
    }
}
