package dev.vessel.image.layer;

import dev.vessel.linux.Processes;
import dev.vessel.linux.Xattrs;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** What only root can create: overlay whiteouts, device nodes, ownership, trusted.* xattrs. */
@Tag("root")
class LayerUnpackerRootIT {
    @TempDir
    Path dir;

    @BeforeEach
    void needRoot() {
        assumeTrue(Processes.euid() == 0, "needs root: mknod, chown and trusted.* xattrs");
    }

    private static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    }

    @Test
    void whiteoutsBecomeOverlayWhiteoutsAndOpaqueDirectories() throws IOException {
        byte[] tar = new TarBuilder()
                .file("etc/.wh.passwd", "", 0)
                .dir("var/cache", 0755)
                .file("var/cache/.wh..wh..opq", "", 0)
                .file("var/cache/new", "n", 0644)
                .file(".wh..wh.plnk", "", 0) // aufs bookkeeping: ignored
                .build();
        Path target = dir.resolve("layer");
        new LayerUnpacker(UnpackOptions.defaults()).unpack(new ByteArrayInputStream(tar), target);
        Path wh = target.resolve("etc/passwd");
        assertEquals(0020000, mode(wh) & 0170000, "a character device");
        assertEquals(0L, ((Number) Files.getAttribute(wh, "unix:rdev", LinkOption.NOFOLLOW_LINKS)).longValue(), "0/0");
        assertArrayEquals("y".getBytes(StandardCharsets.US_ASCII),
                Xattrs.get(target.resolve("var/cache").toString(), "trusted.overlay.opaque"));
        assertEquals("n", Files.readString(target.resolve("var/cache/new")));
        assertFalse(Files.exists(target.resolve(".wh..wh.plnk"), LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(target.resolve("etc/.wh.passwd"), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void deviceNodesOwnershipAndTrustedXattrs() throws IOException {
        byte[] tar = new TarBuilder()
                .charDevice("dev/null", 1, 3, 0666)
                .owned("home/u/file", "mine", 1234, 5678)
                .file("cap", "x".getBytes(StandardCharsets.UTF_8), 0755, Map.of("SCHILY.xattr.trusted.test", "t1"))
                .symlink("home/u/link", "file")
                .build();
        Path target = dir.resolve("layer");
        UnpackResult r = new LayerUnpacker(UnpackOptions.defaults()).unpack(new ByteArrayInputStream(tar), target);
        assertTrue(r.skipped().isEmpty(), r.skipped().toString());
        Path dev = target.resolve("dev/null");
        assertEquals(0020666, mode(dev) & 0177777);
        assertEquals((1L << 8) | 3, ((Number) Files.getAttribute(dev, "unix:rdev", LinkOption.NOFOLLOW_LINKS)).longValue());
        assertEquals(1234, Files.getAttribute(target.resolve("home/u/file"), "unix:uid"));
        assertEquals(5678, Files.getAttribute(target.resolve("home/u/file"), "unix:gid"));
        assertArrayEquals("t1".getBytes(), Xattrs.get(target.resolve("cap").toString(), "trusted.test"));
        assertEquals(TarBuilder.MTIME, Files.getLastModifiedTime(target.resolve("home/u/link"), LinkOption.NOFOLLOW_LINKS).toInstant(),
                "a symlink's own mtime is set without following it");
    }
}
