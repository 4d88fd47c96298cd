package dev.vessel.runtime.cgroups.v1;

import dev.vessel.runtime.cgroups.CgroupFiles;
import dev.vessel.runtime.cgroups.RdmaLimits;
import dev.vessel.runtime.spec.LinuxResources;
import java.nio.file.Path;

/** {@code rdma}: HCA handle and object limits per device. */
final class V1Rdma implements V1Controller {

    @Override
    public String name() {
        return "rdma";
    }

    @Override
    public boolean requested(LinuxResources r) {
        return RdmaLimits.requested(r);
    }

    @Override
    public void set(Path dir, LinuxResources r) {
        for (String line : RdmaLimits.lines(r.rdma())) {
            CgroupFiles.write(who(), dir, "rdma.max", line);
        }
    }
}
