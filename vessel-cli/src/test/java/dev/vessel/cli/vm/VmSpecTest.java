package dev.vessel.cli.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vessel.runtime.RuntimeError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VmSpecTest {

    @Test
    void memorySizesInTheUsualSpellings() {
        assertEquals(256L << 20, VmSpec.memory("256m"));
        assertEquals(256L << 20, VmSpec.memory("256M"));
        assertEquals(256L << 20, VmSpec.memory("256MiB"));
        assertEquals(1L << 30, VmSpec.memory("1g"));
        assertEquals(128L << 20, VmSpec.memory("131072k"));
        assertEquals(512L << 20, VmSpec.memory("512"), "a plain small number means MiB, as with qemu -m");
        assertEquals(96L << 20, VmSpec.memory(String.valueOf(96L << 20)), "a plain large number means bytes");
    }

    @Test
    void memoryRefusalsNameTheFlagAndValue() {
        assertMessage("--memory 32m: too small for the guest kernel; give at least 64m", () -> VmSpec.memory("32m"));
        assertMessage("--memory lots: not a size; use e.g. 256m or 1g", () -> VmSpec.memory("lots"));
        assertMessage("--memory 65g: more than the machine supports; give at most 64g", () -> VmSpec.memory("65g"));
        assertMessage("--memory 67109000: not a whole number of 4 KiB pages; use e.g. 256m", () -> VmSpec.memory("67109000"));
    }

    @Test
    void cpus() {
        assertEquals(4, VmSpec.cpus("4"));
        assertMessage("--cpus 0: give a whole number from 1 to 32", () -> VmSpec.cpus("0"));
        assertMessage("--cpus 33: give a whole number from 1 to 32", () -> VmSpec.cpus("33"));
        assertMessage("--cpus 1.5: give a whole number from 1 to 32", () -> VmSpec.cpus("1.5"));
    }

    @Test
    void disks(@TempDir Path dir) throws Exception {
        Path img = Files.write(dir.resolve("a,b.img"), new byte[512]);
        assertEquals(new VmSpec.Disk(img, false), VmSpec.disk(img.toString()));
        assertEquals(new VmSpec.Disk(img, true), VmSpec.disk(img + ",ro"));
        assertEquals(new VmSpec.Disk(img, false), VmSpec.disk(img + ",rw"));
        assertMessage("--disk " + dir.resolve("none") + ": no such file; create an image first (truncate -s 1G "
                + dir.resolve("none") + ")", () -> VmSpec.disk(dir.resolve("none").toString()));
        assertMessage("--disk " + dir + ": not a regular file; give a raw disk image file", () -> VmSpec.disk(dir.toString()));
        assertMessage("--disk " + img + ",xx: unknown option \"xx\"; use FILE or FILE,ro", () -> VmSpec.disk(img + ",xx"));
    }

    @Test
    void net() {
        assertEquals(new VmSpec.Net("vessel%d", Optional.empty()), VmSpec.net("tap"));
        assertEquals(new VmSpec.Net("mytap0", Optional.empty()), VmSpec.net("tap:mytap0"));
        assertThrows(RuntimeError.class, () -> VmSpec.net("tap:"));
        assertThrows(RuntimeError.class, () -> VmSpec.net("tap:a-name-longer-than-15"));
        assertThrows(RuntimeError.class, () -> VmSpec.net("tap:bad/name"));
        assertThrows(RuntimeError.class, () -> VmSpec.net("user"));
        assertMessage("--net bridge:vsl-nobr9: no bridge named vsl-nobr9 (create it with: ip link add vsl-nobr9 type bridge)",
                () -> VmSpec.net("bridge:vsl-nobr9"));
    }

    @Test
    void commandOrShell() {
        VmSpec s = VmSpec.of("2", "128m", List.of(), null, null, null, " loglevel=3 ", false, false, List.of("uname", "-a"));
        assertEquals(2, s.cpus());
        assertEquals("loglevel=3", s.append());
        assertTrue(s.net().isEmpty());
        assertFalse(s.interactive());
        assertMessage("vm run: no command; give one after -- (vessel vm run -- uname -a) or use -it for a shell",
                () -> VmSpec.of("1", "256m", List.of(), null, null, null, null, false, false, List.of()));
        assertMessage("-t: a terminal needs the input too; use -it",
                () -> VmSpec.of("1", "256m", List.of(), null, null, null, null, false, true, List.of("sh")));
        assertTrue(VmSpec.of("1", "256m", List.of(), null, null, null, null, true, true, List.of()).command().isEmpty());
        assertMessage("--kernel /nonexistent/Image: no such file",
                () -> VmSpec.of("1", "256m", List.of(), null, "/nonexistent/Image", null, null, false, false, List.of("true")));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        assertEquals(expected, assertThrows(RuntimeError.class, call).getMessage());
    }
}
