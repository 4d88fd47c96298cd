package dev.vessel.engine.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.vessel.image.BuiltinImages;
import dev.vessel.image.Image;
import dev.vessel.image.ImageService;
import dev.vessel.image.registry.DockerConfig;
import dev.vessel.image.snapshot.ContainerSnapshot;
import dev.vessel.linux.Processes;
import dev.vessel.runtime.spec.Linux;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A container snapshot seen through a user namespace mapping: real overlay over idmapped layers. */
@Tag("root")
class IdmappedLayersIT {

    private static int uid(Path p) throws Exception {
        return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }

    private static long mountsBelow(Path dir) throws Exception {
        String prefix = dir.toRealPath() + "/";
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().filter(l -> l.split(" ")[4].startsWith(prefix)).count();
    }

    @Test
    void imageFilesBelongToTheMappedRootAndTheSharedLayerStaysUntouched(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(Processes.euid() == 0, "needs root for user namespaces and mounts");
        Assumptions.assumeTrue(Files.isExecutable(BuiltinImages.HOST_BUSYBOX), "needs Debian's busybox-static");
        Path dir = tmp.toRealPath();
        ImageService images = new ImageService(dir.resolve("images"), dir.resolve("snapshots"), DockerConfig.defaultLocation(), Set.of());
        Image img = BuiltinImages.busybox(images.store(), BuiltinImages.HOST_BUSYBOX);
        var uids = List.of(new Linux.IdMapping(0, 700_000, 65_536));
        var gids = List.of(new Linux.IdMapping(0, 800_000, 65_536));
        ContainerSnapshot s = Images.snapshot(images, "it-userns", img, new ContainerIdMaps(uids, gids));
        try {
            Path busybox = s.rootfs().resolve("bin/busybox");
            assertEquals(700_000, uid(busybox), "an image file owned by 0 belongs to the container's root");
            assertEquals(800_000, (Integer) Files.getAttribute(busybox, "unix:gid", LinkOption.NOFOLLOW_LINKS));
            assertEquals(700_000, uid(s.rootfs()), "the container's root owns its /");
            assertEquals(0, uid(images.snapshots().layers().fs(s.chain().getFirst()).resolve("bin/busybox")),
                    "the shared layer on disk keeps its owners");
            assertEquals(1, mountsBelow(s.dir()), "the idmapped views were detached after the overlay was made");
        } finally {
            Images.removeSnapshot(images, "it-userns");
        }
        assertEquals(0, mountsBelow(dir));
        assertFalse(Files.exists(s.dir()));
    }
}
