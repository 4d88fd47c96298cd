package dev.vessel.runtime.container;

import dev.vessel.runtime.RuntimeError;
import dev.vessel.runtime.spec.Linux;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes a new user namespace's uid_map and gid_map from the parent, while the child waits (DESIGN.md sync protocol). */
final class IdMaps {

    private IdMaps() {}

    static void write(int pid, Linux linux) {
        if (!Creator.hasNewUserNamespace(linux)) {
            return;
        }
        write(pid, "uid_map", linux.uidMappings(), "linux.uidMappings");
        write(pid, "gid_map", linux.gidMappings(), "linux.gidMappings");
    }

    private static void write(int pid, String file, List<Linux.IdMapping> maps, String field) {
        StringBuilder b = new StringBuilder();
        for (Linux.IdMapping m : maps) {
            b.append(m.containerID()).append(' ').append(m.hostID()).append(' ').append(m.size()).append('\n');
        }
        try {
            Files.writeString(Path.of("/proc/" + pid + "/" + file), b.toString());
        } catch (IOException e) {
            throw new RuntimeError(field + ": writing /proc/" + pid + "/" + file + " failed: " + e.getMessage()
                    + " (ranges must not overlap and the host ids must exist)");
        }
    }
}
