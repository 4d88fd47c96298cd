package dev.vessel.engine.container;

import dev.vessel.image.BuiltinImages;
import dev.vessel.image.Image;
import dev.vessel.image.ImageService;
import dev.vessel.image.oci.Platform;
import dev.vessel.image.registry.DockerConfig;
import dev.vessel.image.snapshot.ContainerSnapshot;
import dev.vessel.runtime.RuntimeError;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/** Images as `vessel run` uses them: from the store, the built-in busybox, or a pull; then a writable snapshot. */
public final class Images {

    private Images() {}

    public static ImageService service() {
        try {
            return ImageService.defaults(Set.of());
        } catch (IOException e) {
            throw new RuntimeError("image store: " + e.getMessage());
        }
    }

    /** An image store and snapshots of their own under {@code root} (a private engine's --root). */
    public static ImageService service(Path root) {
        try {
            return new ImageService(root.resolve("images"), root.resolve("snapshots"), DockerConfig.defaultLocation(), Set.of());
        } catch (IOException e) {
            throw new RuntimeError("image store in " + root + ": " + e.getMessage());
        }
    }

    /** The image named {@code name}: in the store, else the built-in busybox, else pulled. */
    public static Image resolve(ImageService images, String name) {
        try {
            Optional<Image> found = images.store().find(name);
            if (found.isPresent()) {
                return found.get();
            }
            if (name.equals("busybox") || name.equals("busybox:latest") || name.equals(BuiltinImages.BUSYBOX)) {
                return BuiltinImages.busybox(images.store(), BuiltinImages.HOST_BUSYBOX);
            }
            return images.pull(name, Platform.LINUX_AMD64, System.err);
        } catch (IOException | IllegalArgumentException e) {
            throw new RuntimeError("image \"" + name + "\": " + e.getMessage());
        }
    }

    /**
     * A mounted, writable snapshot of {@code image} for container {@code id}; with a user
     * namespace, its layers are seen through the container's mapping and its root is the container's root's.
     */
    public static ContainerSnapshot snapshot(ImageService images, String id, Image image, ContainerIdMaps maps) {
        try {
            ContainerSnapshot s = images.snapshots().create(id, image, maps.hostRootUid(), maps.hostRootGid());
            try {
                if (maps.isHost()) {
                    images.snapshots().mount(s);
                } else {
                    try (IdmappedLayers view = new IdmappedLayers(maps)) {
                        images.snapshots().mount(s, view);
                    } catch (java.io.UncheckedIOException | IllegalStateException e) {
                        throw new IOException(e.getMessage(), e);
                    }
                }
            } catch (IOException | RuntimeException e) {
                images.snapshots().remove(id);
                throw e;
            }
            return s;
        } catch (IOException e) {
            throw new RuntimeError("container \"" + id + "\": cannot prepare its root filesystem: " + e.getMessage());
        }
    }

    public static void removeSnapshot(ImageService images, String id) {
        try {
            images.snapshots().remove(id);
        } catch (IOException e) {
            throw new RuntimeError("container \"" + id + "\": cannot remove its snapshot: " + e.getMessage());
        }
    }
}
