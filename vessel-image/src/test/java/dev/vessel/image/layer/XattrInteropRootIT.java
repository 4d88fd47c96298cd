package dev.vessel.image.layer;

import dev.vessel.image.store.BlobStore;
import dev.vessel.linux.Errno;
import dev.vessel.linux.LinuxException;
import dev.vessel.linux.Processes;
import dev.vessel.linux.Xattrs;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Xattrs survive, byte for byte, on a real filesystem: Vessel's own layers both ways, and
 * archives of GNU tar, bsdtar and Python's tarfile (each skipped when the tool is missing).
 * Root: security.capability and trusted.* need it.
 */
@Tag("root")
class XattrInteropRootIT {
    @TempDir
    Path dir;
    private Path src;

    @BeforeEach
    void setUp() throws IOException {
        assumeTrue(Processes.euid() == 0, "needs root: security.capability and trusted.* xattrs");
        src = Files.createDirectory(dir.resolve("src"));
        try {
            Xattrs.set(src.toString(), "user.vessel.probe", new byte[]{1});
        } catch (LinuxException e) {
            assumeTrue(!e.is(Errno.EOPNOTSUPP), dir + " is on a filesystem without user.* xattrs");
            throw e;
        }
    }

    /** A tree with binary, long, privileged and overlay-private xattrs on files, a directory and a hard link. */
    private void populate() throws IOException {
        Path bin = Files.createDirectories(src.resolve("usr/bin"));
        Path ping = Files.writeString(bin.resolve("ping"), "elf");
        Xattrs.set(ping.toString(), "security.capability", PaxXattrTest.CAP_NET_RAW);
        Xattrs.set(ping.toString(), "user.bin", PaxXattrTest.BINARY);
        byte[] big = new byte[2500]; // ext4 keeps all of an inode's xattrs in one 4 KiB block
        new Random(9).nextBytes(big);
        Xattrs.set(ping.toString(), "user.big", big);
        Xattrs.set(ping.toString(), "trusted.vessel", "t\n=".getBytes(StandardCharsets.UTF_8));
        Files.createLink(bin.resolve("ping6"), ping);
        Xattrs.set(bin.toString(), "user.dir", new byte[]{(byte) 0xff});
        Xattrs.set(bin.toString(), "trusted.overlay.opaque", "y".getBytes(StandardCharsets.US_ASCII));
        Files.createSymbolicLink(src.resolve("usr/ping"), Path.of("bin/ping"));
        Files.writeString(src.resolve("plain"), "p");
    }

    private static Map<String, Map<String, String>> xattrsOfTree(Path root) throws IOException {
        Map<String, Map<String, String>> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                Map<String, String> hex = new TreeMap<>();
                Xattrs.list(p.toString()).forEach((k, v) -> hex.put(k, HexFormat.of().formatHex(v)));
                hex.remove("user.vessel.probe");
                out.put(root.relativize(p).toString(), hex);
            }
        }
        return out;
    }

    /** What a layer should carry: the tree's xattrs without overlayfs's own. */
    private Map<String, Map<String, String>> expected() throws IOException {
        Map<String, Map<String, String>> m = xattrsOfTree(src);
        m.values().forEach(x -> x.keySet().removeIf(k -> k.startsWith("trusted.overlay.") || k.equals("security.selinux")));
        return m;
    }

    private Path writeLayer() throws IOException {
        BlobStore blobs = new BlobStore(dir.resolve("blobs"));
        LayerWriter.Layer layer;
        try (LayerWriter w = new LayerWriter(blobs)) {
            w.add(src, "", LayerWriter.Forced.NONE, false);
            layer = w.finish();
        }
        Path out = dir.resolve("layer.tar.gz");
        try (InputStream in = blobs.open(layer.blob())) {
            Files.copy(in, out);
        }
        return out;
    }

    private UnpackResult unpack(Path archive, Path target) throws IOException {
        try (InputStream in = Files.newInputStream(archive)) {
            return new LayerUnpacker(UnpackOptions.defaults()).unpack(in, target);
        }
    }

    @Test
    void aLayerVesselWritesUnpacksToTheSameXattrs() throws IOException {
        populate();
        Path target = dir.resolve("unpacked");
        UnpackResult r = unpack(writeLayer(), target);
        assertEquals(List.of(), r.skipped());
        Map<String, Map<String, String>> want = expected();
        assertEquals(HexFormat.of().formatHex(PaxXattrTest.CAP_NET_RAW), want.get("usr/bin/ping").get("security.capability"));
        assertEquals(want, xattrsOfTree(target));
        assertFalse(xattrsOfTree(target).get("usr/bin").containsKey("trusted.overlay.opaque"));
        assertEquals(Files.getAttribute(target.resolve("usr/bin/ping"), "unix:ino"),
                Files.getAttribute(target.resolve("usr/bin/ping6"), "unix:ino"));
    }

    @Test
    void gnuTarExtractsVesselsLayerToTheSameXattrs() throws IOException, InterruptedException {
        assumeTrue(tool("tar"), "GNU tar is not installed");
        populate();
        Path layer = writeLayer();
        Path target = Files.createDirectory(dir.resolve("gnu"));
        run("tar", "--xattrs", "--xattrs-include=*", "-xzpf", layer.toString(), "-C", target.toString());
        assertEquals(expected(), xattrsOfTree(target));
    }

    @Test
    void pythonTarfileReadsVesselsValuesRaw() throws IOException, InterruptedException {
        assumeTrue(tool("python3"), "python3 is not installed");
        populate();
        Path layer = writeLayer();
        String script = """
                import sys, tarfile
                with tarfile.open(sys.argv[1]) as t:
                    for m in t:
                        for k, v in sorted(m.pax_headers.items()):
                            if k.startswith("SCHILY.xattr."):
                                print(m.name.rstrip("/"), k[13:], v.encode("utf-8", "surrogateescape").hex())
                """;
        List<String> got = run("python3", "-c", script, layer.toString()).lines().sorted().toList();
        List<String> want = new ArrayList<>();
        expected().forEach((path, x) -> {
            if (!path.equals("usr/bin/ping6")) { // a hard link entry: its inode's xattrs travel with the first name
                x.forEach((k, v) -> want.add(path + " " + k + " " + v));
            }
        });
        assertEquals(want.stream().sorted().toList(), got);
    }

    @Test
    void aGnuTarArchiveWithSetcapIsUnpackedToTheSameBytes() throws IOException, InterruptedException {
        assumeTrue(tool("tar") && tool("setcap"), "needs GNU tar and setcap (package libcap2-bin)");
        populate();
        run("setcap", "cap_net_raw,cap_net_admin+ep", src.resolve("plain").toString());
        Path archive = dir.resolve("gnu.tar");
        run("tar", "--xattrs", "--xattrs-include=*", "--format=posix", "-cf", archive.toString(), "-C", src.toString(), ".");
        Path target = dir.resolve("unpacked");
        unpack(archive, target);
        Map<String, Map<String, String>> want = expected();
        assertTrue(want.get("plain").containsKey("security.capability"), "setcap set a capability");
        assertEquals(want, xattrsOfTree(target));
        if (tool("getfattr")) {
            assertEquals(getfattr(src.resolve("plain")), getfattr(target.resolve("plain")));
        }
        if (tool("getcap")) {
            assertTrue(run("getcap", target.resolve("plain").toString()).contains("cap_net_admin,cap_net_raw=ep"));
        }
    }

    @Test
    void aBsdtarArchiveInBothSpellingsIsUnpackedToTheSameBytes() throws IOException, InterruptedException {
        assumeTrue(tool("bsdtar"), "bsdtar is not installed (package libarchive-tools)");
        populate();
        Path archive = dir.resolve("bsd.tar");
        run("bsdtar", "--xattrs", "--format=pax", "-cf", archive.toString(), "-C", src.toString(), ".");
        assertTrue(new String(Files.readAllBytes(archive), StandardCharsets.ISO_8859_1).contains("LIBARCHIVE.xattr.user.bin="),
                "bsdtar wrote the base64 spelling");
        Path target = dir.resolve("unpacked");
        unpack(archive, target);
        Map<String, Map<String, String>> want = expected();
        assertEquals(want, xattrsOfTree(target));
    }

    private static String getfattr(Path p) throws IOException, InterruptedException {
        String out = run("getfattr", "--absolute-names", "-d", "-m", "-", "-e", "hex", p.toString());
        return out.lines().filter(l -> !l.startsWith("# file:") && !l.startsWith("user.vessel.probe")
                && !l.startsWith("trusted.overlay.")).reduce("", (a, b) -> a + b + "\n");
    }

    private static boolean tool(String name) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin";
        return Stream.of(path.split(":")).filter(d -> !d.isEmpty()).anyMatch(d -> Files.isExecutable(Path.of(d, name)));
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ":\n" + out);
        return out;
    }
}
