package dev.vessel.runtime.cgroups.v2;

import dev.vessel.runtime.cgroups.CgroupFiles;
import dev.vessel.runtime.spec.LinuxResources;
import java.nio.file.Path;

/** {@code pids}: the task limit; 0 or below is unlimited as in runc. */
final class V2Pids implements V2Controller {

    @Override
    public String name() {
        return "pids";
    }

    @Override
    public boolean requested(LinuxResources r) {
        return r.pids() != null && r.pids().limit() != null;
    }

    @Override
    public void set(Path dir, LinuxResources r) {
        long limit = r.pids().limit();
        CgroupFiles.write(who(), dir, "pids.max", limit <= 0 ? "max" : Long.toString(limit));
    }
}
