package dev.vessel.image.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

class BlobStoreTest {
    @TempDir
    Path dir;

    private static final byte[] HELLO = "hello\n".getBytes(StandardCharsets.UTF_8);
    // sha256sum of "hello\n"
    private static final String HELLO_SHA = "sha256:5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";

    @Test
    void putComputesTheDigestAsSha256sumDoes() throws IOException {
        BlobStore s = new BlobStore(dir);
        Digest d = s.put(HELLO);
        assertEquals(HELLO_SHA, d.toString());
        assertArrayEquals(HELLO, s.read(d));
        assertEquals(6, s.size(d));
        assertEquals(List.of(d), s.list());
    }

    @Test
    void wrongExpectedDigestLeavesNoBlobAndNoPartialFile() throws IOException {
        BlobStore s = new BlobStore(dir);
        Digest wrong = Digest.of("other".getBytes());
        IOException e = assertThrows(IOException.class,
                () -> s.put(new ByteArrayInputStream(HELLO), Optional.of(wrong), 100));
        assertTrue(e.getMessage().contains("does not match its digest"), e.getMessage());
        assertTrue(s.list().isEmpty());
        try (var files = Files.list(dir.resolve("ingest"))) {
            // Only the (empty) lock file that serialises writers of this digest may remain.
            assertEquals(List.of(), files.filter(f -> !f.toString().endsWith(".lock")).toList());
        }
    }

    @Test
    void sizeLimitIsEnforcedWhileStreaming() throws IOException {
        BlobStore s = new BlobStore(dir);
        IOException e = assertThrows(IOException.class,
                () -> s.put(new ByteArrayInputStream(new byte[1000]), Optional.empty(), 999));
        assertTrue(e.getMessage().contains("larger than the limit"), e.getMessage());
        assertTrue(s.list().isEmpty());
    }

    @Test
    void interruptedWriteWithKnownDigestResumesFromItsOffset() throws IOException {
        BlobStore s = new BlobStore(dir);
        Digest d = Digest.parse(HELLO_SHA);
        try (BlobWriter w = s.writer(Optional.of(d), 100)) {
            w.write(HELLO, 0, 3); // "crash" after three bytes: no commit
        }
        assertFalse(s.exists(d), "a partial blob must not be visible");
        try (BlobWriter w = s.writer(Optional.of(d), 100)) {
            assertEquals(3, w.offset());
            w.write(HELLO, 3, 3);
            assertEquals(d, w.commit());
        }
        assertArrayEquals(HELLO, s.read(d));
    }

    @Test
    void concurrentWritersOfOneBlobWaitForEachOtherInsteadOfInterleaving() throws Exception {
        BlobStore s = new BlobStore(dir);
        byte[] big = new byte[4 << 20];
        new java.util.Random(1).nextBytes(big);
        Digest d = Digest.of(big);
        int threads = 4;
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(threads)) {
            List<java.util.concurrent.Future<Digest>> fs = new java.util.ArrayList<>();
            for (int i = 0; i < threads; i++) {
                fs.add(pool.submit(() -> {
                    start.await();
                    try (BlobWriter w = s.writer(Optional.of(d), big.length)) {
                        if (w.alreadyStored()) {
                            return d;
                        }
                        for (int off = 0; off < big.length; off += 65536) {
                            w.write(big, off, 65536);
                        }
                        return w.commit();
                    }
                }));
            }
            for (var f : fs) {
                assertEquals(d, f.get());
            }
        }
        assertArrayEquals(big, s.read(d));
    }

    @Test
    void corruptionOnDiskIsDetectedOnRead() throws IOException {
        BlobStore s = new BlobStore(dir);
        Digest d = s.put(HELLO);
        Files.write(s.path(d), "jello\n".getBytes());
        IOException e = assertThrows(IOException.class, () -> s.read(d));
        assertTrue(e.getMessage().contains("is corrupt"), e.getMessage());
    }

    @Test
    void corruptionStaysReportedAtEveryEndOfStream() throws IOException {
        BlobStore s = new BlobStore(dir);
        Digest d = s.put(HELLO);
        Files.write(s.path(d), "jello\n".getBytes());
        try (InputStream in = s.open(d)) {
            in.readNBytes(6);
            assertThrows(IOException.class, in::read, "first EOF");
            assertThrows(IOException.class, in::read, "a swallowed first failure must not turn into success");
        }
    }

    @Test
    void missingBlobErrorNamesTheDigest() throws IOException {
        BlobStore s = new BlobStore(dir);
        IOException e = assertThrows(IOException.class, () -> s.open(Digest.parse(HELLO_SHA)));
        assertTrue(e.getMessage().contains(HELLO_SHA), e.getMessage());
    }

    @Test
    void gcRemovesOnlyUnreferencedBlobsOlderThanTheGracePeriod() throws IOException {
        BlobStore s = new BlobStore(dir);
        Digest layer = s.put("layer".getBytes());
        Digest root = s.put(("points at " + layer).getBytes());
        Digest orphan = s.put("orphan".getBytes());
        BlobGc.Children children = b -> {
            String text = new String(s.read(b));
            return text.startsWith("points at ") ? List.of(Digest.parse(text.substring(10))) : List.of();
        };
        assertEquals(Map.of(root, 1, layer, 1), BlobGc.referenceCounts(s, List.of(root), children));
        // Fresh blobs are protected by the grace period (an in-flight pull).
        assertTrue(BlobGc.collect(s, List.of(root), children, Duration.ofMinutes(10)).removed().isEmpty());
        BlobGc.Result r = BlobGc.collect(s, List.of(root), children, Duration.ZERO.minusSeconds(1));
        assertEquals(List.of(orphan), r.removed());
        assertEquals(6, r.bytesFreed());
        assertTrue(s.exists(root) && s.exists(layer) && !s.exists(orphan));
    }

    @Test
    void verifyingStreamRejectsTruncatedContent() {
        Digest d = Digest.of(HELLO);
        InputStream in = new VerifyingInputStream(new ByteArrayInputStream(HELLO, 0, 5), d, 6);
        IOException e = assertThrows(IOException.class, in::readAllBytes);
        assertTrue(e.getMessage().contains("read 5 bytes, expected 6"), e.getMessage());
    }

    @Test
    void digestParsingNamesTheProblem() {
        assertThrows(IllegalArgumentException.class, () -> Digest.parse("md5:abc"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Digest.parse("sha256:ABC"));
        assertTrue(e.getMessage().contains("64 lowercase hex"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Digest.parse("nocolon"));
    }
}
