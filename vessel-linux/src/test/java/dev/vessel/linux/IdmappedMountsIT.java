package dev.vessel.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("root")
class IdmappedMountsIT {

    private static final List<IdMapping> MAP = List.of(new IdMapping(0, 300_000, 65_536));

    @BeforeEach
    void needRoot() {
        Assumptions.assumeTrue(Processes.euid() == 0, "needs root to make user namespaces and mounts");
    }

    private static int uid(Path p) throws Exception {
        return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }

    private static int gid(Path p) throws Exception {
        return (Integer) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
    }

    private static boolean mounted(Path p) throws Exception {
        return Files.readString(Path.of("/proc/self/mountinfo")).lines().anyMatch(l -> l.split(" ")[4].equals(p.toString()));
    }

    @Test
    void userNamespaceDescriptorNamesANewNamespace() throws Exception {
        try (UserNamespace ns = UserNamespace.create(MAP, MAP)) {
            Path link = Files.readSymbolicLink(Path.of("/proc/self/fd/" + ns.fd()));
            assertTrue(link.toString().startsWith("user:["), link.toString());
            assertNotEquals(Files.readSymbolicLink(Path.of("/proc/self/ns/user")), link);
        }
    }

    @Test
    void ownersAreShiftedInTheViewAndBackOnWrite(@TempDir Path tmp) throws Exception {
        Path dir = tmp.toRealPath();
        Path source = Files.createDirectory(dir.resolve("source"));
        Path target = Files.createDirectory(dir.resolve("target"));
        Files.writeString(source.resolve("by-root"), "x");
        Files.writeString(source.resolve("by-1000"), "y");
        Files.setAttribute(source.resolve("by-1000"), "unix:uid", 1000);
        Files.setAttribute(source.resolve("by-1000"), "unix:gid", 1001);
        Files.writeString(source.resolve("unmapped"), "z");
        Files.setAttribute(source.resolve("unmapped"), "unix:uid", 70_000);
        try (UserNamespace ns = UserNamespace.create(MAP, MAP)) {
            IdmappedMounts.bind(source.toString(), target.toString(), ns);
        }
        try {
            assertTrue(mounted(target));
            assertEquals(300_000, uid(target.resolve("by-root")));
            assertEquals(300_000, gid(target.resolve("by-root")));
            assertEquals(301_000, uid(target.resolve("by-1000")));
            assertEquals(301_001, gid(target.resolve("by-1000")));
            assertEquals(65_534, uid(target.resolve("unmapped")), "an id outside the mapping shows as the overflow id");
            assertEquals(0, uid(source.resolve("by-root")), "the files on disk are untouched");
            Files.setAttribute(target.resolve("by-1000"), "unix:uid", 300_005);
            assertEquals(5, uid(source.resolve("by-1000")), "an owner set through the view is stored unshifted");
            // Host root has no id in the view's range, so it cannot own a new file there.
            var e = assertThrows(java.io.IOException.class, () -> Files.writeString(target.resolve("made-here"), "w"));
            assertTrue(e.getMessage().contains("Value too large"), e.getMessage()); // EOVERFLOW
        } finally {
            Mounts.umount(target.toString(), Mounts.MNT_DETACH);
        }
    }

    @Test
    void aMissingSourceNamesTheCallAndErrno(@TempDir Path tmp) {
        try (UserNamespace ns = UserNamespace.create(MAP, MAP)) {
            var e = assertThrows(LinuxException.class, () -> IdmappedMounts.bind(tmp.resolve("missing").toString(),
                    tmp.toString(), ns));
            assertEquals(Errno.ENOENT, e.errnoValue());
            assertTrue(e.getMessage().startsWith("open_tree(\"" + tmp.resolve("missing") + "\", OPEN_TREE_CLONE)"), e.getMessage());
        }
    }

    @Test
    void overlappingMappingsAreRefusedByTheKernel() {
        var e = assertThrows(java.io.UncheckedIOException.class, () -> UserNamespace.create(
                List.of(new IdMapping(0, 300_000, 10), new IdMapping(5, 400_000, 10)), MAP));
        assertTrue(e.getMessage().contains("uid_map"), e.getMessage());
    }
}
