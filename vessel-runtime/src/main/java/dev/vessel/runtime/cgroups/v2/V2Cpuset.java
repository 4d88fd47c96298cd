package dev.vessel.runtime.cgroups.v2;

import dev.vessel.runtime.cgroups.CgroupFiles;
import dev.vessel.runtime.spec.LinuxResources;
import java.nio.file.Path;

/** {@code cpuset}: cpus and memory nodes. Unlike v1, an empty v2 cpuset inherits its parent's. */
final class V2Cpuset implements V2Controller {

    @Override
    public String name() {
        return "cpuset";
    }

    @Override
    public boolean requested(LinuxResources r) {
        return r.cpu() != null && (notEmpty(r.cpu().cpus()) || notEmpty(r.cpu().mems()));
    }

    @Override
    public void set(Path dir, LinuxResources r) {
        if (notEmpty(r.cpu().cpus())) {
            CgroupFiles.write(who(), dir, "cpuset.cpus", r.cpu().cpus());
        }
        if (notEmpty(r.cpu().mems())) {
            CgroupFiles.write(who(), dir, "cpuset.mems", r.cpu().mems());
        }
    }

    private static boolean notEmpty(String s) {
        return s != null && !s.isEmpty();
    }
}
