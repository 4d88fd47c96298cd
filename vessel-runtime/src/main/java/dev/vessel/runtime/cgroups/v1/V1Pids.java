package dev.vessel.runtime.cgroups.v1;

import dev.vessel.runtime.cgroups.CgroupFiles;
import dev.vessel.runtime.cgroups.CgroupStats;
import dev.vessel.runtime.spec.LinuxResources;
import java.nio.file.Path;

/** {@code pids}: the task limit. */
final class V1Pids implements V1Controller {

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
        if (requested(r)) {
            CgroupFiles.write(who(), dir, "pids.max", pidsMax(r.pids().limit()));
        }
    }

    /** OCI: a limit of 0 or below means unlimited (runc maps 0 and -1 to "max"). */
    static String pidsMax(long limit) {
        return limit <= 0 ? "max" : Long.toString(limit);
    }

    static CgroupStats.Pids stats(Path dir) {
        String who = "cgroup v1 pids";
        long max = CgroupFiles.readLong(who, dir, "pids.max");
        // runc reports an unlimited pids.max as 0.
        return new CgroupStats.Pids(CgroupFiles.readLong(who, dir, "pids.current"), max == CgroupStats.UNLIMITED ? 0 : max);
    }
}
