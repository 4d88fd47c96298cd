package dev.vessel.image.snapshot;

import dev.vessel.image.Image;
import dev.vessel.image.ImageStore;
import dev.vessel.image.TestImages;
import dev.vessel.image.layer.TarBuilder;
import dev.vessel.image.layer.UnpackOptions;
import dev.vessel.linux.Processes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Real overlay mounts: needs root and overlayfs. */
@Tag("root")
class SnapshotterRootIT {
    @TempDir
    Path dir;
    private ImageStore store;
    private Snapshotter snaps;

    @BeforeEach
    void setUp() throws IOException {
        assumeTrue(Processes.euid() == 0, "needs root to mount overlayfs");
        assumeTrue(Files.readString(Path.of("/proc/filesystems")).contains("overlay"), "kernel has no overlayfs");
        store = new ImageStore(dir.resolve("images"));
        snaps = new Snapshotter(dir.resolve("snapshots"), store.blobs(), UnpackOptions.defaults());
    }

    @AfterEach
    void unmountAll() throws IOException {
        if (snaps != null) {
            for (ContainerSnapshot s : snaps.list()) {
                snaps.unmount(s);
            }
        }
    }

    @Test
    void whiteoutsAndOpaqueDirsHideLowerContentAndWritesGoUp() throws IOException {
        byte[] base = new TarBuilder().file("etc/passwd", "root", 0644).file("etc/keep", "k", 0644)
                .file("var/cache/old", "o", 0644).build();
        byte[] top = new TarBuilder().file("etc/.wh.passwd", "", 0).dir("var/cache", 0755)
                .file("var/cache/.wh..wh..opq", "", 0).file("var/cache/new", "n", 0644).build();
        Image img = TestImages.build(store, "test/wh:1", List.of(base, top));
        ContainerSnapshot s = snaps.create("c1", img);
        snaps.mount(s);
        assertTrue(snaps.isMounted(s));
        Path root = s.rootfs();
        assertFalse(Files.exists(root.resolve("etc/passwd")), "whited out");
        assertEquals("k", Files.readString(root.resolve("etc/keep")));
        assertFalse(Files.exists(root.resolve("var/cache/old")), "hidden by the opaque directory");
        assertEquals("n", Files.readString(root.resolve("var/cache/new")));
        Files.writeString(root.resolve("etc/keep"), "changed");
        assertEquals("changed", Files.readString(s.dir().resolve("upper/etc/keep")), "copy-up into the upper dir");
        assertEquals("k", Files.readString(snaps.layers().fs(s.chain().getFirst()).resolve("etc/keep")), "lower untouched");

        // A second container of the same image shares the unpacked layers.
        ContainerSnapshot s2 = snaps.create("c2", img);
        assertEquals(s.chain(), s2.chain());
        assertEquals(2, snaps.layers().list().size());

        snaps.remove("c1");
        assertFalse(Files.exists(s.dir()));
        assertTrue(snaps.collect(List.of()).isEmpty(), "c2 still uses both layers");
        snaps.remove("c2");
        assertEquals(2, snaps.collect(List.of()).size());
        assertTrue(snaps.layers().list().isEmpty());
    }

    @Test
    void longLayerChainsMountDespiteThePageSizedOptions() throws IOException {
        int n = 200; // absolute lower paths here are > 100 bytes each: 200 of them would need > 20 kB
        List<byte[]> layers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            layers.add(new TarBuilder().file("layer" + i, "content " + i, 0644).file("top", "from " + i, 0644).build());
        }
        Image img = TestImages.build(store, "test/long:1", layers);
        ContainerSnapshot s = snaps.create("long", img);
        assertTrue(snaps.layers().fs(s.chain().getLast()).toString().length() * n > 4096);
        snaps.mount(s);
        assertEquals("from " + (n - 1), Files.readString(s.rootfs().resolve("top")), "the top layer wins");
        assertEquals("content 0", Files.readString(s.rootfs().resolve("layer0")));
        assertEquals("content 199", Files.readString(s.rootfs().resolve("layer199")));
        snaps.unmount(s);
        assertFalse(snaps.isMounted(s));
    }

    private static void bindMount(Path source, Path target) throws IOException {
        try {
            Process p = new ProcessBuilder("mount", "--bind", source.toString(), target.toString()).inheritIO().start();
            assertEquals(0, p.waitFor(), "mount --bind " + source);
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
    }

    private static long mountsBelow(Path dir) throws IOException {
        String prefix = dir.toRealPath() + "/";
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().filter(l -> l.split(" ")[4].startsWith(prefix)).count();
    }

    @Test
    void layerViewsAreMountedForTheOverlayAndDetachedRightAfter() throws IOException {
        Image img = TestImages.build(store, "test/view:1", List.of(new TarBuilder().file("a", "base", 0644).build(),
                new TarBuilder().file("b", "top", 0644).build()));
        ContainerSnapshot s = snaps.create("viewed", img, 4242, 4343);
        assertEquals(4242, Files.getAttribute(s.dir().resolve("upper"), "unix:uid"), "the container's root owns its /");
        assertEquals(4343, Files.getAttribute(s.dir().resolve("upper"), "unix:gid"));
        List<Path> seen = new ArrayList<>();
        snaps.mount(s, (layer, target) -> {
            seen.add(layer);
            bindMount(layer, target);
        });
        assertEquals(List.of(snaps.layers().fs(s.chain().get(0)), snaps.layers().fs(s.chain().get(1))), seen, "base first");
        assertEquals(1, mountsBelow(s.dir()), "only the overlay stays mounted");
        assertEquals("base", Files.readString(s.rootfs().resolve("a")), "the overlay still reads the detached views");
        assertEquals("top", Files.readString(s.rootfs().resolve("b")));
        snaps.remove("viewed");
        assertFalse(Files.exists(s.dir()));
    }

    @Test
    void aFailingViewLeavesNothingMounted() throws IOException {
        Image img = TestImages.build(store, "test/view:2", List.of(new TarBuilder().file("a", "1", 0644).build(),
                new TarBuilder().file("b", "2", 0644).build()));
        ContainerSnapshot s = snaps.create("half", img);
        IOException e = assertThrows(IOException.class, () -> snaps.mount(s, (layer, target) -> {
            if (layer.equals(snaps.layers().fs(s.chain().get(1)))) {
                throw new IOException("no view for the second layer");
            }
            bindMount(layer, target);
        }));
        assertEquals("no view for the second layer", e.getMessage());
        assertEquals(0, mountsBelow(s.dir()));
        assertFalse(snaps.isMounted(s));
    }

    @Test
    void removeDetachesAViewLeftMountedByACrashInsteadOfDeletingTheLayer() throws IOException {
        Image img = TestImages.build(store, "test/view:3", List.of(new TarBuilder().file("keep", "me", 0644).build()));
        ContainerSnapshot s = snaps.create("crashed", img);
        Path layer = snaps.layers().fs(s.chain().getFirst());
        bindMount(layer, Files.createDirectories(s.dir().resolve("v/0")));
        snaps.remove("crashed");
        assertEquals("me", Files.readString(layer.resolve("keep")), "the shared layer survives");
        assertEquals(0, mountsBelow(dir.resolve("snapshots")));
    }

    @Test
    void aCorruptLayerIsRefusedAndLeavesNoSnapshot() throws IOException {
        Image img = TestImages.build(store, "test/bad:1", List.of(new TarBuilder().file("a", "a", 0644).build()));
        Path blob = store.blobs().path(img.manifest().layers().getFirst().blob());
        byte[] b = Files.readAllBytes(blob);
        b[b.length - 12] ^= 1; // inside the gzip trailer's CRC: decompression notices
        Files.write(blob, b);
        IOException e = assertThrows(IOException.class, () -> snaps.create("bad", img));
        assertNotNull(e.getMessage());
        assertTrue(snaps.layers().list().isEmpty());
        assertTrue(snaps.list().isEmpty());
    }
}
