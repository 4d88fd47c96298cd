package dev.vessel.runtime.cgroups.v2;

import dev.vessel.runtime.cgroups.CgroupException;
import dev.vessel.runtime.cgroups.CgroupFiles;
import dev.vessel.runtime.spec.LinuxResources;
import java.nio.file.Path;

/** {@code hugetlb}: {@code hugetlb.<size>.max}, and the reservation limit where the kernel has one. */
final class V2Hugetlb implements V2Controller {

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
        for (int i = 0; i < r.hugepageLimits().size(); i++) {
            LinuxResources.HugepageLimit l = r.hugepageLimits().get(i);
            String file = "hugetlb." + l.pageSize() + ".max";
            if (l.pageSize() == null || l.pageSize().contains("/") || !CgroupFiles.exists(dir, file)) {
                throw new CgroupException("linux.resources.hugepageLimits[" + i + "].pageSize \"" + l.pageSize()
                        + "\" is not a huge page size of this kernel (no " + file + "; see /sys/kernel/mm/hugepages), "
                        + "or the hugetlb controller is not enabled for this cgroup");
            }
            CgroupFiles.write(who(), dir, file, Long.toString(l.limit()));
            String rsvd = "hugetlb." + l.pageSize() + ".rsvd.max";
            if (CgroupFiles.exists(dir, rsvd)) {
                CgroupFiles.write(who(), dir, rsvd, Long.toString(l.limit()));
            }
        }
    }
}
