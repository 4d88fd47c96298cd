package dev.vessel.image.layer;

import dev.vessel.image.store.BlobStore;
import dev.vessel.linux.Errno;
import dev.vessel.linux.LinuxException;
import dev.vessel.linux.Xattrs;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Layers written by Vessel carry xattrs (user.* here, so no root is needed; the root IT does the rest). */
class LayerWriterXattrTest {
    @TempDir
    Path dir;

    /** Entry name to its xattrs in hex, read back with the reader under test elsewhere. */
    private Map<String, Map<String, String>> readLayer(BlobStore blobs, LayerWriter.Layer layer) throws IOException {
        Map<String, Map<String, String>> out = new TreeMap<>();
        try (InputStream in = Compression.open(blobs.open(layer.blob()))) {
            XattrTarInputStream tar = new XattrTarInputStream(in);
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                Map<String, String> hex = new TreeMap<>();
                tar.xattrs().forEach((k, v) -> hex.put(k, HexFormat.of().formatHex(v)));
                out.put(e.getName(), hex);
            }
        }
        return out;
    }

    @Test
    void filesAndDirectoriesKeepTheirXattrs() throws IOException {
        Path src = Files.createDirectories(dir.resolve("src/d"));
        try {
            Xattrs.set(src.toString(), "user.dir", new byte[]{(byte) 0x80});
        } catch (LinuxException e) {
            assumeTrue(!e.is(Errno.EOPNOTSUPP), "the temp directory's filesystem has no user.* xattrs");
            throw e;
        }
        Path f = Files.writeString(src.resolve("f"), "x");
        Xattrs.set(f.toString(), "user.bin", PaxXattrTest.BINARY);
        Files.writeString(src.resolve("g"), "y");
        BlobStore blobs = new BlobStore(dir.resolve("blobs"));
        LayerWriter.Layer layer;
        try (LayerWriter w = new LayerWriter(blobs)) {
            w.add(dir.resolve("src"), "/app", LayerWriter.Forced.NONE, false);
            layer = w.finish();
        }
        Map<String, Map<String, String>> got = readLayer(blobs, layer);
        assertEquals(Map.of("user.dir", "80"), got.get("app/d/"));
        assertEquals(Map.of("user.bin", HexFormat.of().formatHex(PaxXattrTest.BINARY)), got.get("app/d/f"));
        assertEquals(Map.of(), got.get("app/d/g"));
    }

    @Test
    void addOfALocalArchiveCarriesItsRawValuesButNotOverlaysOwn() throws IOException {
        byte[] archive = new RawTar()
                .pax(RawTar.records("SCHILY.xattr.security.capability", PaxXattrTest.CAP_NET_RAW,
                        "SCHILY.xattr.trusted.overlay.redirect", "/x", "SCHILY.xattr.user.t", "a\nb"))
                .file("bin/ping", "elf")
                .build();
        BlobStore blobs = new BlobStore(dir.resolve("blobs"));
        LayerWriter.Layer layer;
        try (LayerWriter w = new LayerWriter(blobs)) {
            w.addArchive(new ByteArrayInputStream(archive), "/opt");
            layer = w.finish();
        }
        assertEquals(Map.of("security.capability", HexFormat.of().formatHex(PaxXattrTest.CAP_NET_RAW), "user.t", "610a62"),
                readLayer(blobs, layer).get("opt/bin/ping"));
    }
}
