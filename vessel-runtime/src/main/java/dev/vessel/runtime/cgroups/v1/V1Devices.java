package dev.vessel.runtime.cgroups.v1;

import dev.vessel.runtime.cgroups.CgroupFiles;
import dev.vessel.runtime.cgroups.devices.DeviceList;
import dev.vessel.runtime.cgroups.devices.DevicePermission;
import dev.vessel.runtime.spec.LinuxResources;
import java.nio.file.Path;

/**
 * {@code devices}: the allow/deny list. The target list is computed from the rules, then only
 * the differences from {@code devices.list} are written, so an {@code update} never passes
 * through "deny everything" while the container runs (and works in a cgroup with children,
 * where the kernel refuses the "a" reset). A fresh cgroup (allow-all inherited) is reset first.
 */
final class V1Devices implements V1Controller {

    @Override
    public String name() {
        return "devices";
    }

    @Override
    public boolean requested(LinuxResources r) {
        return r.devices() != null;
    }

    @Override
    public void set(Path dir, LinuxResources r) {
        if (r.devices() == null) {
            return;
        }
        DeviceList target = DeviceList.of(DevicePermission.effective(r.devices()));
        DeviceList current = DeviceList.parse(CgroupFiles.read(who(), dir, "devices.list"));
        for (String[] w : target.writesFrom(current)) {
            CgroupFiles.write(who(), dir, w[0], w[1]);
        }
    }
}
