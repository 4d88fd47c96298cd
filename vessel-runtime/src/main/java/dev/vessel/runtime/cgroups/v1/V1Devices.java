package dev.vessel.runtime.cgroups.v1;

import dev.vessel.runtime.cgroups.CgroupFiles;
import dev.vessel.runtime.cgroups.devices.DevicePermission;
import dev.vessel.runtime.spec.LinuxResources;
import java.nio.file.Path;

/**
 * {@code devices}: the allow/deny list. Applied from scratch each time: deny everything, then
 * each rule in order (later rules win, as in the kernel's own list). Between the first and the
 * last write a running container briefly sees fewer devices; runc avoids that with an
 * emulator that computes the minimal diff, which we do not have yet.
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
        for (DevicePermission p : DevicePermission.effective(r.devices())) {
            // 'a' resets the list and the default in one write; the kernel ignores the rest of the line.
            String line = p.type() == 'a' ? "a" : p.v1Line();
            CgroupFiles.write(who(), dir, p.allow() ? "devices.allow" : "devices.deny", line);
        }
    }
}
