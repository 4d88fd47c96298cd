package dev.vessel.runtime.cli;

import dev.vessel.runtime.RuntimeError;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** runc's global flags. Those Vessel does not implement are refused by name, never ignored. */
public final class GlobalOptions {

    @Option(names = "--root", description = "root directory for container state (default: ${DEFAULT-VALUE})",
            defaultValue = "/run/vessel/runtime")
    Path root;

    @Option(names = "--log", description = "append error and debug lines to this file (default: stderr only)")
    Path log;

    @Option(names = "--log-format", description = "text or json (default: ${DEFAULT-VALUE})", defaultValue = "text")
    String logFormat;

    @Option(names = "--debug", description = "log debug lines")
    boolean debug;

    @Option(names = "--systemd-cgroup", description = "not supported: Vessel manages cgroupfs directly")
    boolean systemdCgroup;

    @Option(names = "--criu", description = "not supported: checkpoint/restore is not implemented")
    String criu;

    @Option(names = "--rootless", description = "true, false or auto (only false/auto are supported)")
    String rootless;

    /** Checks the flags that are accepted by the parser only so that they can be refused clearly. */
    void check() {
        if (!logFormat.equals("text") && !logFormat.equals("json")) {
            throw new RuntimeError("--log-format \"" + logFormat + "\" is not supported: use text or json");
        }
        if (systemdCgroup) {
            throw new RuntimeError("--systemd-cgroup is not supported: Vessel manages cgroups through cgroupfs; "
                    + "configure your engine with the cgroupfs cgroup manager");
        }
        if (criu != null) {
            throw new RuntimeError("--criu is not supported: Vessel does not implement checkpoint/restore");
        }
        if (rootless != null && !rootless.equals("false") && !rootless.equals("auto")) {
            throw new RuntimeError("--rootless " + rootless + " is not supported: Vessel runs as root; use --rootless=false or auto");
        }
    }
}
