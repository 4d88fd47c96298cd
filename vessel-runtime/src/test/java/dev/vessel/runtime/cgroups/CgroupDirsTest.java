package dev.vessel.runtime.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupDirsTest {
    @TempDir
    Path tmp;

    @Test
    void mkdirsReturnsOnlyWhatItMadeParentsFirst() throws Exception {
        Files.createDirectories(tmp.resolve("a"));
        assertEquals(List.of(tmp.resolve("a/b"), tmp.resolve("a/b/c")), CgroupDirs.mkdirs("t", tmp, tmp.resolve("a/b/c")));
        assertEquals(List.of(), CgroupDirs.mkdirs("t", tmp, tmp.resolve("a/b/c")), "all there: joined, not made");
    }

    /**
     * Containers sharing a parent (/vessel) are created and destroyed at once: a destroy that
     * removes the parent it made, just as another create found it existing, must not make that
     * create fail (it starts again from the top).
     */
    @Test
    void concurrentCreateAndDestroyUnderASharedParent() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            Path leaf = tmp.resolve("vessel/c" + t);
            futures.add(pool.submit(() -> {
                for (int i = 0; i < 300; i++) {
                    List<Path> made = CgroupDirs.mkdirs("t", tmp, leaf);
                    assertTrue(Files.isDirectory(leaf));
                    CgroupDirs.removeTree("t", leaf);
                    CgroupDirs.removeCreated(made);
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        // Only the thread that made /vessel removes it, when it is empty then; so it may stay.
        for (int t = 0; t < 6; t++) {
            assertFalse(Files.exists(tmp.resolve("vessel/c" + t)));
        }
    }
}
