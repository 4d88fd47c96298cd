package dev.vessel.image;

import dev.vessel.image.layer.Compression;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class BuiltinImagesTest {
    @TempDir
    Path dir;

    @Test
    void busyboxImageIsMadeOnceFromTheHostBinaryAndIsReproducible() throws IOException {
        assumeTrue(Files.isRegularFile(BuiltinImages.HOST_BUSYBOX), "needs /bin/busybox (apt-get install busybox-static)");
        ImageStore a = new ImageStore(dir.resolve("a"));
        Image img = BuiltinImages.busybox(a, BuiltinImages.HOST_BUSYBOX);
        assertEquals(img, BuiltinImages.busybox(a, BuiltinImages.HOST_BUSYBOX), "the second call finds it");
        assertEquals(img.id(), BuiltinImages.busybox(new ImageStore(dir.resolve("b")), BuiltinImages.HOST_BUSYBOX).id(),
                "same binary, same image id");
        assertEquals("busybox:latest", a.list().getFirst().names().getFirst());
        Map<String, TarArchiveEntry> entries = new HashMap<>();
        try (InputStream in = Compression.open(a.blobs().open(img.manifest().layers().getFirst().blob()))) {
            TarArchiveInputStream t = new TarArchiveInputStream(in);
            for (TarArchiveEntry e; (e = t.getNextEntry()) != null; ) {
                entries.put(e.getName(), e);
            }
        }
        assertEquals(0755, entries.get("bin/busybox").getMode() & 07777);
        assertEquals("busybox", entries.get("bin/sh").getLinkName());
        assertEquals(01777, entries.get("tmp/").getMode() & 07777);
        assertEquals(0, entries.get("etc/passwd").getLongUserId());
        IOException e = assertThrows(IOException.class,
                () -> BuiltinImages.busybox(new ImageStore(dir.resolve("c")), dir.resolve("no-busybox")));
        assertTrue(e.getMessage().contains("busybox-static"), e.getMessage());
    }
}
