package dev.vessel.vmm.guest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitramfsTest {

    /** A member as parsed back from the archive bytes. */
    record Parsed(String name, int ino, int mode, int nlink, int rdevMajor, int rdevMinor, byte[] data) {
    }

    /** An independent reader of the newc format, strict about magic, padding and the trailer. */
    static List<Parsed> parse(byte[] a) {
        List<Parsed> out = new ArrayList<>();
        int pos = 0;
        while (true) {
            assertEquals(0, pos % 4, "header aligned");
            String h = new String(a, pos, 110, StandardCharsets.US_ASCII);
            assertEquals("070701", h.substring(0, 6), "magic at " + pos);
            long[] f = new long[13];
            for (int i = 0; i < 13; i++) {
                f[i] = Long.parseLong(h.substring(6 + 8 * i, 14 + 8 * i), 16);
            }
            int nameSize = (int) f[11];
            String name = new String(a, pos + 110, nameSize - 1, StandardCharsets.UTF_8);
            assertEquals(0, a[pos + 110 + nameSize - 1], "name NUL-terminated");
            pos = (pos + 110 + nameSize + 3) & ~3;
            int size = (int) f[6];
            byte[] data = Arrays.copyOfRange(a, pos, pos + size);
            for (int p = pos + size; p < ((pos + size + 3) & ~3); p++) {
                assertEquals(0, a[p], "padding is zero");
            }
            pos = (pos + size + 3) & ~3;
            if (name.equals("TRAILER!!!")) {
                assertEquals(a.length, pos, "nothing after the trailer");
                return out;
            }
            out.add(new Parsed(name, (int) f[0], (int) f[1], (int) f[4], (int) f[9], (int) f[10], data));
        }
    }

    static Initramfs sample() {
        return new Initramfs()
                .directory("/dev", 0755)
                .charDevice("/dev/console", 0600, 5, 1)
                .file("/init", 0755, "#!/bin/sh\necho hi\n".getBytes())
                .file("/bin/busybox", 0755, new byte[] {1, 2, 3, 4, 5})
                .symlink("/bin/sh", "busybox");
    }

    @Test
    void writesNewcEntriesThatParseBack() {
        List<Parsed> entries = parse(sample().toBytes());
        assertEquals(List.of("dev", "dev/console", "init", "bin", "bin/busybox", "bin/sh"),
                entries.stream().map(Parsed::name).toList());
        Parsed dev = entries.get(0);
        assertEquals(Initramfs.S_IFDIR | 0755, dev.mode());
        assertEquals(2, dev.nlink());
        Parsed console = entries.get(1);
        assertEquals(Initramfs.S_IFCHR | 0600, console.mode());
        assertEquals(5, console.rdevMajor());
        assertEquals(1, console.rdevMinor());
        assertEquals("#!/bin/sh\necho hi\n", new String(entries.get(2).data()));
        assertEquals(Initramfs.S_IFDIR | 0755, entries.get(3).mode(), "parent directory added");
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, entries.get(4).data());
        assertEquals(Initramfs.S_IFLNK | 0777, entries.get(5).mode());
        assertEquals("busybox", new String(entries.get(5).data()));
        assertEquals(entries.size(), entries.stream().mapToInt(Parsed::ino).distinct().count(), "distinct inodes");
    }

    @Test
    void sameEntriesGiveSameBytes() {
        assertArrayEquals(sample().toBytes(), sample().toBytes());
    }

    @Test
    void refusesDuplicatesAndEscapes() {
        Initramfs i = new Initramfs().file("/a", 0644, new byte[0]);
        assertThrows(IllegalArgumentException.class, () -> i.file("a", 0644, new byte[0]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> i.file("/x/../etc", 0644, new byte[0]));
        assertTrue(e.getMessage().contains(".."), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> i.directory("/", 0755));
    }

    @Test
    void gnuCpioListsAndExtractsIt(@TempDir Path dir) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/cpio")), "cpio is not installed (apt-get install cpio)");
        Path archive = dir.resolve("initrd.cpio");
        Files.write(archive, sample().toBytes());
        Process list = new ProcessBuilder("cpio", "-t", "--quiet", "-F", archive.toString()).redirectErrorStream(true).start();
        String listing = new String(list.getInputStream().readAllBytes());
        assertEquals(0, list.waitFor(), listing);
        assertEquals(List.of("dev", "dev/console", "init", "bin", "bin/busybox", "bin/sh"), listing.lines().toList());
        Path root = Files.createDirectory(dir.resolve("root"));
        // Device nodes need root to create; extract everything else.
        Process extract = new ProcessBuilder("cpio", "-i", "--quiet", "-d", "--no-absolute-filenames", "-F", archive.toString(),
                "init", "bin/*").directory(root.toFile()).redirectErrorStream(true).start();
        String err = new String(extract.getInputStream().readAllBytes());
        assertEquals(0, extract.waitFor(), err);
        assertEquals("#!/bin/sh\necho hi\n", Files.readString(root.resolve("init")));
        assertEquals("busybox", Files.readSymbolicLink(root.resolve("bin/sh")).toString());
        assertTrue(Files.isExecutable(root.resolve("init")));
    }
}
