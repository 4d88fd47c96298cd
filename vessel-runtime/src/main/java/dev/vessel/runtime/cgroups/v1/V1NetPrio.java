package dev.vessel.runtime.cgroups.v1;

import dev.vessel.runtime.cgroups.CgroupFiles;
import dev.vessel.runtime.spec.LinuxResources;
import java.nio.file.Path;

/** {@code net_prio}: socket priority per network interface. */
final class V1NetPrio implements V1Controller {

    @Override
    public String name() {
        return "net_prio";
    }

    @Override
    public boolean requested(LinuxResources r) {
        return r.network() != null && r.network().priorities() != null && !r.network().priorities().isEmpty();
    }

    @Override
    public void set(Path dir, LinuxResources r) {
        if (!requested(r)) {
            return;
        }
        for (LinuxResources.InterfacePriority p : r.network().priorities()) {
            CgroupFiles.write(who(), dir, "net_prio.ifpriomap", p.name() + " " + p.priority());
        }
    }
}
