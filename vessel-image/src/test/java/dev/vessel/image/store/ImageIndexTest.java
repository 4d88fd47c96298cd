package dev.vessel.image.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.*;

class ImageIndexTest {
    @TempDir
    Path dir;

    @Test
    void taggingMovesANameAndLeavesTheOldImageDangling() throws IOException {
        ImageIndex idx = new ImageIndex(dir);
        Digest a = Digest.of("a".getBytes());
        Digest b = Digest.of("b".getBytes());
        idx.put(a, List.of("docker.io/library/x:latest"));
        idx.put(b, List.of("docker.io/library/x:latest", "docker.io/library/x:2"));
        assertEquals(List.of(), idx.byManifest(a).orElseThrow().names());
        assertEquals(b.toString(), idx.byName("docker.io/library/x:latest").orElseThrow().manifest());
        assertEquals(2, idx.images().size());
        // Re-reading from disk gives the same table (the JSON round-trips).
        assertEquals(idx.images(), new ImageIndex(dir).images());
        try (var s = Files.list(dir)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temp files left");
        }
    }

    @Test
    void concurrentUpdatesAreNotLost() throws Exception {
        ImageIndex idx = new ImageIndex(dir);
        try (var pool = Executors.newFixedThreadPool(4)) {
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int n = i;
                fs.add(pool.submit(() -> {
                    idx.put(Digest.of(("img" + n).getBytes()), List.of("local/img:" + n));
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        }
        assertEquals(20, idx.images().size());
    }
}
