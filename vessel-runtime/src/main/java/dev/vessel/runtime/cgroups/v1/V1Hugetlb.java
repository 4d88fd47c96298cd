package dev.vessel.runtime.cgroups.v1;

import dev.vessel.runtime.cgroups.CgroupException;
import dev.vessel.runtime.cgroups.CgroupFiles;
import dev.vessel.runtime.cgroups.CgroupStats;
import dev.vessel.runtime.spec.LinuxResources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/** {@code hugetlb}: a limit per huge page size ("2MB", "1GB" as the kernel names them). */
final class V1Hugetlb implements V1Controller {

    @Override
    public String name() {
        return "hugetlb";
    }

    @Override
    public boolean requested(LinuxResources r) {
        return r.hugepageLimits() != null && !r.hugepageLimits().isEmpty();
    }

    @Override
    public void set(Path dir, LinuxResources r) {
        if (!requested(r)) {
            return;
        }
        for (int i = 0; i < r.hugepageLimits().size(); i++) {
            LinuxResources.HugepageLimit l = r.hugepageLimits().get(i);
            String file = "hugetlb." + l.pageSize() + ".limit_in_bytes";
            if (l.pageSize() == null || l.pageSize().contains("/") || !CgroupFiles.exists(dir, file)) {
                throw new CgroupException("linux.resources.hugepageLimits[" + i + "].pageSize \"" + l.pageSize()
                        + "\" is not a huge page size of this kernel: use one of " + sizes(dir));
            }
            CgroupFiles.write(who(), dir, file, Long.toString(l.limit()));
            // Reservations (Linux 5.7+) must follow, or a reserved-but-unfaulted mapping escapes the limit.
            String rsvd = "hugetlb." + l.pageSize() + ".rsvd.limit_in_bytes";
            if (CgroupFiles.exists(dir, rsvd)) {
                CgroupFiles.write(who(), dir, rsvd, Long.toString(l.limit()));
            }
        }
    }

    /** Page sizes offered by the controller, from its file names. */
    static TreeSet<String> sizes(Path dir) {
        TreeSet<String> sizes = new TreeSet<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("hugetlb.") && n.endsWith(".limit_in_bytes") && !n.contains(".rsvd."))
                    .forEach(n -> sizes.add(n.substring("hugetlb.".length(), n.length() - ".limit_in_bytes".length())));
        } catch (IOException e) {
            // Only used to word an error message; an empty list is still a true statement.
        }
        return sizes;
    }

    static Map<String, CgroupStats.Hugetlb> stats(Path dir) {
        String who = "cgroup v1 hugetlb";
        Map<String, CgroupStats.Hugetlb> out = new LinkedHashMap<>();
        for (String size : sizes(dir)) {
            String p = "hugetlb." + size + ".";
            out.put(size, new CgroupStats.Hugetlb(CgroupFiles.readLong(who, dir, p + "usage_in_bytes"),
                    CgroupFiles.readLong(who, dir, p + "max_usage_in_bytes"), CgroupFiles.readLong(who, dir, p + "failcnt")));
        }
        return out;
    }
}
