package dev.vessel.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vessel.linux.LinuxException;
import dev.vessel.linux.Mounts;
import dev.vessel.runtime.RuntimeError;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A container's bundle under /var/lib/vessel/containers/ID: config.json and rootfs/, an
 * overlay of the image's read-only root with a writable upper/ of the container's own.
 */
record ContainerBundle(Path dir) {

    static ContainerBundle create(Storage storage, String id, Path lower, RunFlags flags) {
        dev.vessel.runtime.container.ContainerRuntime.validateId(id);
        Path dir = storage.containers().resolve(id);
        try {
            Files.createDirectories(storage.containers());
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            throw new RuntimeError("container name \"" + id + "\" is already in use: remove it (vessel rm " + id + ") or pick another");
        } catch (IOException e) {
            throw new RuntimeError("cannot create " + dir + ": " + e.getMessage());
        }
        ContainerBundle b = new ContainerBundle(dir);
        try {
            for (String d : new String[] {"rootfs", "upper", "work"}) {
                Files.createDirectory(dir.resolve(d));
            }
            byte[] config = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsBytes(flags.toSpec(id, "rootfs"));
            Files.write(dir.resolve("config.json"), config);
            Mounts.mount("overlay", dir.resolve("rootfs").toString(), "overlay", 0,
                    "lowerdir=" + lower + ",upperdir=" + dir.resolve("upper") + ",workdir=" + dir.resolve("work"));
            return b;
        } catch (IOException | RuntimeException e) {
            b.remove();
            if (e instanceof RuntimeError re) {
                throw re;
            }
            throw new RuntimeError("container \"" + id + "\": cannot prepare its root filesystem: " + e.getMessage());
        }
    }

    void unmount() {
        try {
            Mounts.umount(dir.resolve("rootfs").toString(), Mounts.MNT_DETACH);
        } catch (LinuxException e) {
            // EINVAL: not mounted (already unmounted, or the mount failed): nothing to do.
        }
    }

    void remove() {
        unmount();
        try {
            BusyboxRootfs.deleteTree(dir);
        } catch (IOException e) {
            throw new RuntimeError("cannot remove " + dir + ": " + e.getMessage());
        }
    }
}
