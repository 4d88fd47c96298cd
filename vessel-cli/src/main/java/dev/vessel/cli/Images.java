package dev.vessel.cli;

import dev.vessel.runtime.RuntimeError;
import java.nio.file.Path;

/** Resolves an image name to a read-only root filesystem. For now the built-in busybox only. */
final class Images {

    private Images() {}

    static Path rootfs(Storage storage, String image) {
        String name = image.startsWith("docker.io/library/") ? image.substring(18) : image;
        if (name.equals("busybox") || name.equals("busybox:latest")) {
            return BusyboxRootfs.ensure(storage.root());
        }
        throw new RuntimeError("image \"" + image + "\" not found: the built-in image is busybox");
    }
}
