package dev.vessel.runtime.launch;

import dev.vessel.runtime.spec.Linux;
import dev.vessel.runtime.spec.LinuxResources;
import dev.vessel.runtime.spec.LinuxResources.DeviceRule;
import dev.vessel.runtime.spec.Spec;
import java.util.ArrayList;
import java.util.List;

/**
 * The device cgroup rules a container gets, in runc's order: the spec's own rules (the default
 * spec starts with "deny all"), then the devices every container may use (mknod of any node,
 * the standard character devices, ptys), then an allow rule for each node in linux.devices.
 * A spec without rules thus still gets the standard ones on top of the kernel's default.
 */
public final class DeviceRules {

    private static final List<DeviceRule> ALLOWED = List.of(
            new DeviceRule(true, "c", null, null, "m"), new DeviceRule(true, "b", null, null, "m"),
            rule("c", 1, 3), rule("c", 1, 8), rule("c", 1, 7), rule("c", 5, 0), rule("c", 1, 5), rule("c", 1, 9),
            new DeviceRule(true, "c", 136L, null, "rwm"), rule("c", 5, 2));

    private DeviceRules() {}

    private static DeviceRule rule(String type, long major, long minor) {
        return new DeviceRule(true, type, major, minor, "rwm");
    }

    /** linux.resources with the device list completed as above. */
    public static LinuxResources forContainer(Spec spec) {
        Linux linux = spec.linux();
        LinuxResources r = linux == null || linux.resources() == null ? LinuxResources.empty() : linux.resources();
        List<DeviceRule> rules = new ArrayList<>(r.devices() == null ? List.of() : r.devices());
        rules.addAll(ALLOWED);
        if (linux != null && linux.devices() != null) {
            for (Linux.Device d : linux.devices()) {
                if (!d.type().equals("p")) {
                    rules.add(rule(d.type().equals("u") ? "c" : d.type(), d.major(), d.minor()));
                }
            }
        }
        return new LinuxResources(rules, r.memory(), r.cpu(), r.pids(), r.blockIO(), r.hugepageLimits(), r.network(),
                r.rdma(), r.unified());
    }
}
