package dev.vessel.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("root")
class MountsIT {

    private static boolean mounted(Path p) throws Exception {
        return Files.readString(Path.of("/proc/self/mountinfo")).lines()
                .anyMatch(l -> l.split(" ")[4].equals(p.toString()));
    }

    @Test
    void mountAndUnmountATmpfs(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Processes.euid() == 0, "needs root to mount");
        Path target = dir.toRealPath();
        Mounts.mount("tmpfs", target.toString(), "tmpfs", Mounts.MS_NOSUID | Mounts.MS_NODEV, "size=64k");
        try {
            assertTrue(mounted(target));
            Files.writeString(target.resolve("x"), "in tmpfs");
        } finally {
            Mounts.umount(target.toString(), Mounts.MNT_DETACH);
        }
        assertFalse(mounted(target));
        assertFalse(Files.exists(target.resolve("x")), "the file lived in the tmpfs");
    }

    @Test
    void failureNamesFlagsAndErrno(@TempDir Path dir) {
        Assumptions.assumeTrue(Processes.euid() == 0, "needs root to mount");
        String missing = dir.resolve("missing").toString();
        var e = assertThrows(LinuxException.class,
                () -> Mounts.bind(missing, dir.toString(), true));
        assertEquals("mount(\"" + missing + "\", \"" + dir + "\", NULL, MS_BIND|MS_REC, NULL): ENOENT (No such file or directory)",
                e.getMessage());
        var u = assertThrows(LinuxException.class, () -> Mounts.umount(dir.toString(), 0));
        assertEquals(Errno.EINVAL, u.errnoValue()); // not a mount point
    }

    @Test
    void belowListsNestedMountsDeepestFirstAndTargetsUnescapesSpaces(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Processes.euid() == 0, "needs root to mount");
        Path root = dir.toRealPath();
        Path outer = Files.createDirectory(root.resolve("with space"));
        Mounts.mount("tmpfs", outer.toString(), "tmpfs", 0, "size=64k");
        try {
            Path inner = Files.createDirectory(outer.resolve("inner"));
            Mounts.mount("tmpfs", inner.toString(), "tmpfs", 0, "size=64k");
            try {
                assertEquals(List.of(inner, outer), Mounts.below(root));
                assertEquals(List.of(inner), Mounts.below(outer), "strictly below: not the directory itself");
                assertTrue(Mounts.targets().contains(outer.toString()));
            } finally {
                Mounts.umount(inner.toString(), Mounts.MNT_DETACH);
            }
        } finally {
            Mounts.umount(outer.toString(), Mounts.MNT_DETACH);
        }
        assertEquals(List.of(), Mounts.below(root));
    }
}
