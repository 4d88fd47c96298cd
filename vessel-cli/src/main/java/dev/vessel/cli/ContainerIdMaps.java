package dev.vessel.cli;

import dev.vessel.linux.IdMapping;
import dev.vessel.runtime.spec.Linux;
import java.util.List;

/**
 * A container's user namespace mappings (empty: no user namespace, the host's ids). The same
 * mappings go into the spec (linux.uidMappings, linux.gidMappings) and into the idmapped views
 * of the image's layers, so the container's ids see the image's owners.
 */
record ContainerIdMaps(List<Linux.IdMapping> uids, List<Linux.IdMapping> gids) {

    static final ContainerIdMaps HOST = new ContainerIdMaps(List.of(), List.of());

    boolean isHost() {
        return uids.isEmpty();
    }

    /** The host uid that the container's root is (0 when uid 0 is not mapped). */
    long hostRootUid() {
        return hostOfZero(uids);
    }

    long hostRootGid() {
        return hostOfZero(gids);
    }

    static List<IdMapping> toLinux(List<Linux.IdMapping> maps) {
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
