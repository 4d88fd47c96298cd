package dev.vessel.runtime.cgroups.devices;

import java.nio.file.Path;
import java.util.List;

/**
 * Enforces device rules on a cgroup v2 directory. v2 has no devices files: the kernel asks an
 * eBPF program of type {@code BPF_PROG_TYPE_CGROUP_DEVICE} attached to the cgroup.
 */
public interface DeviceGate {

    /** Replaces whatever device program the runtime attached before with one for {@code rules}. */
    void install(Path cgroupDir, List<DevicePermission> rules);
}
