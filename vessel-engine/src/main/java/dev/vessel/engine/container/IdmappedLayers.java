package dev.vessel.engine.container;

import dev.vessel.image.snapshot.LayerView;
import dev.vessel.linux.IdmappedMounts;
import dev.vessel.linux.LinuxException;
import dev.vessel.linux.UserNamespace;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The image's layers as a container with a user namespace sees them: idmapped mounts through
 * its mapping, so image files owned by 0 belong to the container's root (host id 100000, say)
 * while the shared layers on disk stay owned by 0. (overlayfs here refuses to be idmapped
 * itself, EINVAL from mount_setattr, but accepts idmapped lower layers; see Snapshotter.)
 */
public final class IdmappedLayers implements LayerView, AutoCloseable {

    private final UserNamespace userns;

    IdmappedLayers(ContainerIdMaps maps) {
        this.userns = UserNamespace.create(ContainerIdMaps.toLinux(maps.uids()), ContainerIdMaps.toLinux(maps.gids()));
    }

    @Override
    public void mount(Path layer, Path target) throws IOException {
        try {
            IdmappedMounts.bind(layer.toString(), target.toString(), userns);
        } catch (LinuxException e) {
            throw new IOException(e.getMessage() + " (user namespaces need idmapped mounts: Linux 5.12 or newer and a"
                    + " filesystem that supports them under " + layer.getParent().getParent() + ", e.g. ext4, xfs, btrfs)", e);
        }
    }

    @Override
    public void close() {
        userns.close();
    }
}
