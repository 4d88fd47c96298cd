package dev.vessel.vmm.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class GuestAssetsTest {

    @Test
    void initramfsHoldsInitBusyboxLinksConsoleAndCommand() {
        byte[] init = AssetBuild.resource("init");
        Initramfs fs = GuestAssets.image(new byte[] {0x7f, 'E', 'L', 'F'},
                List.of("/bin/ls", "/sbin/ip", "/usr/bin/md5sum", "/usr/sbin/chroot", "/linuxrc", "/bin/busybox"),
                init, "'uname' '-a'".getBytes());
        Map<String, Initramfs.Entry> byName = fs.entries().stream()
                .collect(Collectors.toMap(Initramfs.Entry::name, e -> e));
        assertEquals(Initramfs.S_IFCHR | 0600, byName.get("dev/console").mode());
        assertEquals(Initramfs.S_IFREG | 0755, byName.get("init").mode());
        assertEquals("busybox", new String(byName.get("bin/ls").data()));
        assertEquals("../bin/busybox", new String(byName.get("sbin/ip").data()));
        assertEquals("../../bin/busybox", new String(byName.get("usr/bin/md5sum").data()));
        assertEquals("../../bin/busybox", new String(byName.get("usr/sbin/chroot").data()));
        assertTrue(!byName.containsKey("linuxrc"), "linuxrc would shadow /init");
        assertEquals(Initramfs.S_IFREG | 0755, byName.get("bin/busybox").mode(), "the binary, not a link");
        assertEquals("'uname' '-a'", new String(byName.get("etc/vessel/cmd").data()));
        assertEquals(Initramfs.S_IFDIR | 01777, byName.get("tmp").mode());
    }

    @Test
    void initScriptPrintsTheMarkersAndPowersOff() {
        String init = new String(AssetBuild.resource("init"), StandardCharsets.UTF_8);
        assertTrue(init.startsWith("#!/bin/busybox sh\n"));
        assertTrue(init.contains("echo VESSEL-INIT-READY"));
        assertTrue(init.contains("VESSEL-EXIT=%d"));
        assertTrue(init.contains("poweroff -f"));
    }

    /** The quoting must survive a real POSIX shell's eval, byte for byte. */
    @Test
    void quotedCommandEvaluatesToTheSameArgv() throws IOException, InterruptedException {
        List<String> argv = List.of("printf", "[%s]\\n", "a b", "it's", "$HOME", "`id`", "x\ny", "*", "");
        String quoted = GuestAssets.shellQuote(argv);
        Process p = new ProcessBuilder("sh", "-c", "eval \"$1\"", "sh", quoted).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertEquals("[a b]\n[it's]\n[$HOME]\n[`id`]\n[x\ny]\n[*]\n[]\n", out);
    }

    @Test
    void commandParameterIsBase64OfTheQuotedWords() {
        String param = GuestAssets.commandParameter(List.of("sh", "-c", "echo hi | md5sum"));
        assertTrue(param.startsWith("vessel.cmd="));
        assertTrue(!param.contains(" "), "one kernel parameter");
        String decoded = new String(Base64.getDecoder().decode(param.substring("vessel.cmd=".length())), StandardCharsets.UTF_8);
        assertEquals("'sh' '-c' 'echo hi | md5sum'", decoded);
    }

    @Test
    void unusableCacheIsOneClearError(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws IOException {
        java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("not-a-dir"), "x");
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> AssetBuild.writableCache(file.resolve("cache")));
        assertTrue(e.getMessage().contains(file.resolve("cache").toString()) && e.getMessage().contains("--kernel"), e.getMessage());
    }

    @Test
    void initramfsPerCommandIsCachedAndOldOnesEvicted(@org.junit.jupiter.api.io.TempDir java.nio.file.Path cache) throws IOException {
        GuestAssets assets = new GuestAssets(cache, System.err);
        java.nio.file.Path busybox = assets.busyboxPath(); // a stand-in busybox where a built one would be
        java.nio.file.Files.createDirectories(busybox.getParent());
        java.nio.file.Files.write(busybox, new byte[] {0x7f, 'E', 'L', 'F'});
        java.nio.file.Files.writeString(busybox.resolveSibling("busybox.links"), "/bin/sh\n");
        java.nio.file.Path first = assets.initramfs(List.of("echo", "0"));
        assertEquals(first, assets.initramfs(List.of("echo", "0")), "same command, same archive");
        java.nio.file.Path last = null;
        for (int i = 1; i <= GuestAssets.KEEP_INITRAMFS + 4; i++) {
            last = assets.initramfs(List.of("echo", Integer.toString(i)));
        }
        try (var files = java.nio.file.Files.list(cache)) {
            assertEquals(GuestAssets.KEEP_INITRAMFS,
                    files.filter(p -> p.getFileName().toString().startsWith("initramfs-")).count());
        }
        assertTrue(java.nio.file.Files.isRegularFile(last));
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(
                java.nio.file.Files.getPosixFilePermissions(last)));
        Map<String, Initramfs.Entry> entries = InitramfsTest.parse(java.nio.file.Files.readAllBytes(last)).stream()
                .collect(Collectors.toMap(InitramfsTest.Parsed::name, x -> new Initramfs.Entry(x.name(), x.mode(), x.data(), 0, 0)));
        assertEquals("'echo' '20'", new String(entries.get("etc/vessel/cmd").data()));
    }

    @Test
    void cacheKeysChangeWithTheirInputs() {
        String a = AssetBuild.hash(List.of("config A".getBytes()));
        assertEquals(a, AssetBuild.hash(List.of("config A".getBytes())));
        assertNotEquals(a, AssetBuild.hash(List.of("config B".getBytes())));
        // Length prefixes keep ["ab","c"] and ["a","bc"] apart.
        assertNotEquals(AssetBuild.hash(List.of("ab".getBytes(), "c".getBytes())),
                AssetBuild.hash(List.of("a".getBytes(), "bc".getBytes())));
    }
}
