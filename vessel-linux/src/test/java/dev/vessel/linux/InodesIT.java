package dev.vessel.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("root")
class InodesIT {

    @Test
    void deviceNodesCarryTypeAndNumbers(@TempDir Path dir) throws Exception {
        assumeTrue(Processes.euid() == 0, "needs root (CAP_MKNOD)");
        Path c = dir.resolve("null");
        Path b = dir.resolve("loop");
        Inodes.charDevice(c.toString(), 0666, 1, 3);
        Inodes.blockDevice(b.toString(), 0600, 7, 300);
        assertEquals(FileMetadata.S_IFCHR, (int) Files.getAttribute(c, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000);
        assertEquals(FileMetadata.makedev(1, 3), ((Number) Files.getAttribute(c, "unix:rdev")).longValue());
        assertEquals(FileMetadata.S_IFBLK, (int) Files.getAttribute(b, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000);
        assertEquals(FileMetadata.makedev(7, 300), ((Number) Files.getAttribute(b, "unix:rdev")).longValue());
    }

    @Test
    void trustedXattrsNeedRootAndWorkAsRoot(@TempDir Path dir) throws Exception {
        assumeTrue(Processes.euid() == 0, "needs root (CAP_SYS_ADMIN for trusted.*)");
        String d = Files.createDirectory(dir.resolve("d")).toString();
        Xattrs.set(d, "trusted.overlay.opaque", new byte[] {'y'});
        assertEquals("y", new String(Xattrs.get(d, "trusted.overlay.opaque")));
        assertEquals(java.util.List.of("trusted.overlay.opaque"), java.util.List.copyOf(Xattrs.list(d).keySet()));
    }
}
