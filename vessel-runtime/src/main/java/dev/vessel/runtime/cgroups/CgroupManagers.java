package dev.vessel.runtime.cgroups;

import dev.vessel.runtime.cgroups.devices.BpfDeviceGate;
import dev.vessel.runtime.cgroups.v1.V1Manager;
import dev.vessel.runtime.cgroups.v2.V2Manager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Picks the cgroup backend for this host. The only place that knows there is more than one. */
public final class CgroupManagers {
    private CgroupManagers() {}

    /** {@link #create(String, String, Path)} on the real host. */
    public static CgroupManager create(String cgroupsPath, String containerId) {
        return create(cgroupsPath, containerId, Path.of("/"));
    }

    /**
     * A manager for the container's cgroup; creates nothing yet (see {@link CgroupManager#apply}).
     *
     * @param cgroupsPath {@code linux.cgroupsPath}, may be null (see {@link CgroupPath})
     * @param root the filesystem root holding {@code proc/self/mountinfo},
     *     {@code proc/self/cgroup} and the cgroup mounts: "/" on a host, a fake tree in tests
     */
    public static CgroupManager create(String cgroupsPath, String containerId, Path root) {
        CgroupPath path = CgroupPath.of(cgroupsPath, containerId);
        CgroupLayout layout = CgroupLayout.parse(read(root, "proc/self/mountinfo"), read(root, "proc/self/cgroup"), root);
        return switch (layout.mode()) {
            case V1, HYBRID -> new V1Manager(layout, path, root);
            case V2 -> new V2Manager(layout, path, new BpfDeviceGate());
        };
    }

    /**
     * The manager of an existing container's cgroup from the {@link CgroupManager#paths()} saved
     * when it was created. Use it for later commands when linux.cgroupsPath was relative: that
     * resolves against the cgroup of the process running the command, which may differ.
     */
    public static CgroupManager reopen(Map<String, Path> savedPaths, Path root) {
        CgroupLayout layout = CgroupLayout.parse(read(root, "proc/self/mountinfo"), read(root, "proc/self/cgroup"), root);
        return switch (layout.mode()) {
            case V1, HYBRID -> V1Manager.reopen(layout, savedPaths, root);
            case V2 -> {
                Path dir = savedPaths.get("");
                if (dir == null || savedPaths.size() != 1) {
                    throw new CgroupException("saved cgroup paths " + savedPaths.keySet() + " are cgroup v1 paths, but "
                            + "this host now runs cgroup v2: the container's cgroup is gone");
                }
                yield V2Manager.reopen(layout, dir, new BpfDeviceGate());
            }
        };
    }

    private static String read(Path root, String file) {
        try {
            return Files.readString(root.resolve(file));
        } catch (IOException e) {
            throw new CgroupException("cannot read /" + file + " to find the cgroup mounts: " + CgroupFiles.reason(e)
                    + " (is /proc mounted?)", CgroupFiles.errno(e), e);
        }
    }
}
