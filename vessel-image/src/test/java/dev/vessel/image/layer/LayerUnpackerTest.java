package dev.vessel.image.layer;

import dev.vessel.image.store.Digest;
import dev.vessel.linux.Xattrs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class LayerUnpackerTest {
    @TempDir
    Path dir;

    private static final UnpackOptions UNPRIVILEGED = new UnpackOptions(1 << 20, 1000, false);

    private UnpackResult unpack(byte[] archive, Path target) throws IOException {
        return new LayerUnpacker(UNPRIVILEGED).unpack(new ByteArrayInputStream(archive), target);
    }

    private static byte[] sample() {
        return new TarBuilder()
                .dir("./", 0755)
                .dir("bin", 0755)
                .file("bin/tool", "#!/bin/sh\necho hi\n", 04755)
                .file("etc/deep/conf", "x=1\n", 0640) // parents not listed: created implicitly
                .symlink("bin/sh", "/bin/busybox")
                .symlink("rel", "../../outside") // harmless as long as nothing is written through it
                .hardlink("bin/tool2", "bin/tool")
                .fifo("run/pipe", 0600)
                .dir("empty", 0700)
                .build();
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void unpacksEveryEntryTypeWithModesAndTimes(Compression c) throws IOException {
        byte[] tar = sample();
        Path target = dir.resolve("layer");
        UnpackResult r = unpack(TarBuilder.compress(c, tar), target);
        assertEquals(Digest.of(tar), r.diffId(), "the diff id is the digest of the uncompressed tar");
        assertEquals("#!/bin/sh\necho hi\n", Files.readString(target.resolve("bin/tool")));
        assertEquals(04755, Files.getAttribute(target.resolve("bin/tool"), "unix:mode", LinkOption.NOFOLLOW_LINKS) instanceof Integer m ? m & 07777 : -1);
        assertEquals(0640, (Integer) Files.getAttribute(target.resolve("etc/deep/conf"), "unix:mode") & 07777);
        assertEquals(0700, (Integer) Files.getAttribute(target.resolve("empty"), "unix:mode") & 07777);
        assertEquals(Path.of("/bin/busybox"), Files.readSymbolicLink(target.resolve("bin/sh")));
        assertEquals(Files.getAttribute(target.resolve("bin/tool"), "unix:ino"),
                Files.getAttribute(target.resolve("bin/tool2"), "unix:ino"), "hard link shares the inode");
        assertTrue(Files.isDirectory(target.resolve("etc/deep")));
        assertFalse(Files.isRegularFile(target.resolve("run/pipe")));
        assertEquals(0010000, (Integer) Files.getAttribute(target.resolve("run/pipe"), "unix:mode") & 0170000, "a fifo");
        assertEquals(TarBuilder.MTIME, Files.getLastModifiedTime(target.resolve("bin/tool")).toInstant());
        assertEquals(TarBuilder.MTIME, Files.getLastModifiedTime(target.resolve("bin")).toInstant(),
                "directory times are set after their content");
        assertEquals(18 + 4, r.bytes());
        assertNoLeftovers();
    }

    @Test
    void laterEntriesReplaceEarlierOnesWithoutFollowingLinks() throws IOException {
        Path outside = Files.writeString(dir.resolve("outside.txt"), "original");
        byte[] tar = new TarBuilder()
                .symlink("f", outside.toString())
                .file("f", "replaced", 0644) // must replace the link, not write through it
                .file("d/x", "1", 0644)
                .file("d", "now a file", 0644)
                .build();
        Path target = dir.resolve("layer");
        unpack(tar, target);
        assertEquals("original", Files.readString(outside));
        assertEquals("replaced", Files.readString(target.resolve("f")));
        assertEquals("now a file", Files.readString(target.resolve("d")));
    }

    @Test
    void readOnlyDirectoriesAreFilledBeforeTheirModeIsSet() throws IOException {
        byte[] tar = new TarBuilder().dir("ro", 0555).file("ro/inside", "x", 0444).dir("ro/sub", 0500)
                .file("ro/sub/deeper", "y", 0400).build();
        Path target = dir.resolve("layer");
        unpack(tar, target);
        assertEquals(0555, (Integer) Files.getAttribute(target.resolve("ro"), "unix:mode") & 07777);
        assertEquals(0500, (Integer) Files.getAttribute(target.resolve("ro/sub"), "unix:mode") & 07777);
        assertEquals("y", Files.readString(target.resolve("ro/sub/deeper")));
        LayerUnpacker.deleteTree(target);
        assertFalse(Files.exists(target), "and such a tree can still be deleted");
    }

    @Test
    void devicesAreSkippedAndReportedWhenUnprivileged() throws IOException {
        byte[] tar = new TarBuilder().charDevice("dev/null", 1, 3, 0666).file("a", "b", 0644).build();
        UnpackResult r = unpack(tar, dir.resolve("layer"));
        assertEquals(List.of("dev/null: device node 1:3 needs root"), r.skipped());
        assertFalse(Files.exists(dir.resolve("layer/dev/null"), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void whiteoutsNeedPrivilegeAndSaySo() throws IOException {
        byte[] tar = new TarBuilder().file("etc/.wh.passwd", "", 0).build();
        LayerException e = assertThrows(LayerException.class, () -> unpack(tar, dir.resolve("layer")));
        assertTrue(e.getMessage().contains("needs root"), e.getMessage());
        assertNoLeftovers();
    }

    @Test
    void targetMustNotExist() throws IOException {
        Files.createDirectory(dir.resolve("layer"));
        IOException e = assertThrows(IOException.class, () -> unpack(sample(), dir.resolve("layer")));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
    }

    // ---- hostile archives: each must fail, leave no target, no temp dir, and not touch outside ----

    private void assertRefused(byte[] archive, String expected) throws IOException {
        Path outside = dir.resolve("outside");
        Files.createDirectories(outside);
        Files.writeString(outside.resolve("keep"), "keep");
        Path target = dir.resolve("layers").resolve("l1");
        LayerException e = assertThrows(LayerException.class, () -> unpack(archive, target));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertFalse(Files.exists(target, LinkOption.NOFOLLOW_LINKS), "nothing left at the target");
        try (var s = Files.list(target.getParent())) {
            assertEquals(List.of(), s.toList(), "no temporary directory left behind");
        }
        try (var s = Files.list(outside)) {
            assertEquals(List.of(outside.resolve("keep")), s.toList(), "outside directory untouched");
        }
        assertEquals("keep", Files.readString(outside.resolve("keep")));
    }

    @Test
    void refusesDotDot() throws IOException {
        assertRefused(new TarBuilder().file("ok", "1", 0644).file("../../outside/evil", "x", 0644).build(), "'..'");
        assertRefused(new TarBuilder().file("a/../../../outside/evil", "x", 0644).build(), "'..'");
    }

    @Test
    void refusesAbsolutePaths() throws IOException {
        assertRefused(new TarBuilder().file(dir.resolve("outside/evil").toString(), "x", 0644).build(), "absolute path");
    }

    @Test
    void refusesWritingThroughASymlinkThatLeavesTheLayer() throws IOException {
        assertRefused(new TarBuilder().symlink("esc", dir.resolve("outside").toString())
                .file("esc/evil", "x", 0644).build(), "is a symlink");
        assertRefused(new TarBuilder().symlink("esc", "../../outside")
                .file("esc/evil", "x", 0644).build(), "is a symlink");
        // Even a symlink that stays inside is refused as a parent: the rule is simple and safe.
        assertRefused(new TarBuilder().dir("d", 0755).symlink("l", "d").file("l/x", "x", 0644).build(), "is a symlink");
    }

    @Test
    void refusesHardLinksToOutsideFiles() throws IOException {
        assertRefused(new TarBuilder().hardlink("pw", "../../outside/keep").build(), "'..'");
        assertRefused(new TarBuilder().hardlink("pw", dir.resolve("outside/keep").toString()).build(), "absolute path");
        assertRefused(new TarBuilder().hardlink("pw", "etc/passwd").build(), "is not in this layer");
        assertRefused(new TarBuilder().symlink("esc", "../../outside").hardlink("pw", "esc/keep").build(),
                "passes through \"esc\", which is a symlink");
    }

    @Test
    void refusesHugeSizesBeforeWritingThem() throws IOException {
        assertRefused(new TarBuilder().file("big", new byte[2 << 20], 0644, Map.of()).build(), "exceeds the unpack limit");
        // A header that claims 100 GiB with no content behind it: refused on the header alone.
        assertRefused(TarBuilder.lyingHeader("huge", 100L << 30), "exceeds the unpack limit");
    }

    @Test
    void refusesTruncatedArchives() throws IOException {
        byte[] full = new TarBuilder().file("f", new byte[4096], 0644, Map.of()).build();
        Path outside = dir.resolve("outside");
        Files.createDirectories(outside);
        Path target = dir.resolve("layers").resolve("l1");
        IOException e = assertThrows(IOException.class, () -> unpack(Arrays.copyOf(full, 1024), target));
        assertFalse(Files.exists(target));
        assertNotNull(e.getMessage());
    }

    @Test
    void corruptGzipFailsCleanly() throws IOException {
        byte[] gz = TarBuilder.compress(Compression.GZIP, sample());
        gz[gz.length / 2] ^= 0x55;
        Path target = dir.resolve("layers").resolve("l1");
        assertThrows(IOException.class, () -> unpack(gz, target));
        assertFalse(Files.exists(target));
        try (var s = Files.list(target.getParent())) {
            assertEquals(0, s.count());
        }
    }

    @Test
    void paxXattrsInTheUserNamespaceAreApplied() throws IOException {
        byte[] tar = new TarBuilder().file("f", "x".getBytes(StandardCharsets.UTF_8), 0644,
                Map.of("SCHILY.xattr.user.origin", "vessel")).build();
        Path target = dir.resolve("layer");
        unpack(tar, target);
        byte[] v = Xattrs.get(target.resolve("f").toString(), "user.origin");
        assertArrayEquals("vessel".getBytes(StandardCharsets.UTF_8), v);
    }

    @Test
    void binaryXattrValuesReachTheFileByteForByte() throws IOException {
        byte[] big = new byte[2500]; // ext4 keeps all of an inode's xattrs in one 4 KiB block
        new java.util.Random(7).nextBytes(big);
        byte[] tar = new RawTar()
                .pax(RawTar.records("SCHILY.xattr.user.bin", PaxXattrTest.BINARY, "SCHILY.xattr.user.big", big,
                        "SCHILY.xattr.security.capability", PaxXattrTest.CAP_NET_RAW,
                        "SCHILY.xattr.trusted.overlay.redirect", "/etc", "SCHILY.xattr.user.text", "a=b\n"))
                .file("f", "content")
                .pax(RawTar.records("SCHILY.xattr.user.l", "v"))
                .symlink("l", "f")
                .build();
        Path target = dir.resolve("layer");
        UnpackResult r = unpack(tar, target);
        Path f = target.resolve("f");
        assertArrayEquals(PaxXattrTest.BINARY, Xattrs.get(f.toString(), "user.bin"));
        assertArrayEquals(big, Xattrs.get(f.toString(), "user.big"));
        assertArrayEquals("a=b\n".getBytes(StandardCharsets.UTF_8), Xattrs.get(f.toString(), "user.text"));
        assertEquals("content", Files.readString(f));
        assertEquals(List.of("f: xattr security.capability needs root",
                "f: xattr trusted.overlay.redirect is overlayfs's own and never taken from a layer",
                "l: xattr user.l cannot be set on a symlink"), r.skipped().stream().sorted().toList());
    }

    @Test
    void aHugePaxHeaderIsRefusedBeforeItIsHeldInMemory() throws IOException {
        byte[] tar = new RawTar().pax(RawTar.records("SCHILY.xattr.user.bomb", new byte[XattrTarInputStream.MAX_PAX]))
                .file("f", "x").build();
        Path target = dir.resolve("layer");
        LayerException e = assertThrows(LayerException.class, () -> unpack(tar, target));
        assertTrue(e.getMessage().contains("PAX header larger than 1048576 bytes"), e.getMessage());
        assertFalse(Files.exists(target));
        assertNoLeftovers();
    }

    private void assertNoLeftovers() throws IOException {
        try (var s = Files.list(dir)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".unpack-")));
        }
    }
}
