package dev.vessel.runtime.cgroups.v1;

import dev.vessel.runtime.spec.LinuxResources;
import java.nio.file.Path;

/** One cgroup v1 controller (runc's {@code fs.subsystem}): the files it writes for a spec. */
interface V1Controller {

    /** The controller's name as in /proc/cgroups and the mount options. */
    String name();

    /** Whether {@code r} asks this controller for anything (then it must be mounted). */
    boolean requested(LinuxResources r);

    void set(Path dir, LinuxResources r);

    /** Runs after the directories exist and before any process joins; {@code top} is the mount point. */
    default void prepare(Path top, Path dir) {}

    default String who() {
        return "cgroup v1 " + name();
    }
}
