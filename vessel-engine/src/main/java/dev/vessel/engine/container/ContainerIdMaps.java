package dev.vessel.engine.container;

import dev.vessel.linux.IdMapping;
import dev.vessel.runtime.RuntimeError;
import dev.vessel.runtime.spec.Linux;
import java.util.List;

/**
 * A container's user namespace mappings (empty: no user namespace, the host's ids). The same
 * mappings go into the spec (linux.uidMappings, linux.gidMappings) and into the idmapped views
 * of the image's layers, so the container's ids see the image's owners.
 */
public record ContainerIdMaps(List<Linux.IdMapping> uids, List<Linux.IdMapping> gids) {

    public static final ContainerIdMaps HOST = new ContainerIdMaps(List.of(), List.of());

    public boolean isHost() {
        return uids.isEmpty();
    }

    /** The host uid that the container's root is (0 when uid 0 is not mapped). */
    public long hostRootUid() {
        return hostOfZero(uids);
    }

    public long hostRootGid() {
        return hostOfZero(gids);
    }

    /** Refuses a process user that the namespace does not map (the runtime would refuse it too, naming spec fields). */
    public void checkUser(long uid, long gid, String source) {
        if (!isHost()) {
            checkMapped("uid", uid, uids, source);
            checkMapped("gid", gid, gids, source);
        }
    }

    private static void checkMapped(String kind, long id, List<Linux.IdMapping> maps, String source) {
        if (maps.stream().noneMatch(m -> m.containsContainerId(id))) {
            throw new RuntimeError(source + ": " + kind + " " + id + " is not mapped in the container's user namespace ("
                    + kind + "s mapped: " + ranges(maps) + "); map it with a larger --userns=auto:size=N or with"
                    + " --uidmap/--gidmap, or run as a mapped id");
        }
    }

    private static String ranges(List<Linux.IdMapping> maps) {
        return String.join(", ", maps.stream().map(m -> m.containerID() + "-" + (m.containerID() + m.size() - 1)).toList());
    }

    public static List<IdMapping> toLinux(List<Linux.IdMapping> maps) {
        return maps.stream().map(m -> new IdMapping(m.containerID(), m.hostID(), m.size())).toList();
    }

    private static long hostOfZero(List<Linux.IdMapping> maps) {
        for (Linux.IdMapping m : maps) {
            if (m.containsContainerId(0)) {
                return m.hostID() - m.containerID();
            }
        }
        return 0;
    }
}
