package dev.vessel.runtime.cgroups.v1;

import dev.vessel.runtime.cgroups.CgroupFiles;
import dev.vessel.runtime.spec.LinuxResources;
import java.nio.file.Path;

/** {@code net_cls}: the class id tc and iptables match packets on. */
final class V1NetCls implements V1Controller {

    @Override
    public String name() {
        return "net_cls";
    }

    @Override
    public boolean requested(LinuxResources r) {
        return r.network() != null && r.network().classID() != null && r.network().classID() != 0;
    }

    @Override
    public void set(Path dir, LinuxResources r) {
        if (requested(r)) {
            CgroupFiles.write(who(), dir, "net_cls.classid", Long.toString(r.network().classID()));
        }
    }
}
