package dev.vessel.runtime.cgroups.v2;

import dev.vessel.runtime.spec.LinuxResources;
import java.nio.file.Path;

/** The files of one cgroup v2 controller (runc's {@code fs2/<controller>.go}). */
interface V2Controller {

    String name();

    boolean requested(LinuxResources r);

    void set(Path dir, LinuxResources r);

    default String who() {
        return "cgroup v2 " + name();
    }
}
