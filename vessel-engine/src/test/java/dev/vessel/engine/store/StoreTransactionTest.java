package dev.vessel.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreTransactionTest {

    @TempDir
    Path dir;

    @Test
    void aTransactionThatThrowsLeavesNothing() {
        Path file = dir.resolve("engine.db");
        try (Store store = Store.open(file)) {
            store.insert(Records.container("keep", "keep"));
            RuntimeException boom = new IllegalStateException("boom");
            var thrown = assertThrows(IllegalStateException.class, () -> store.inTransaction(s -> {
                s.insert(Records.container("a", "a"));
                s.update(Records.container("keep", "renamed"));
                s.append(Event.of(Instant.EPOCH, "container", "create", "a", Map.of()));
                s.inTransaction(inner -> {
                    inner.insert(Records.container("b", "b"));
                    return null;
                });
                throw boom;
            }));
            assertSame(boom, thrown);
            assertEquals(List.of(Records.container("keep", "keep")), store.list());
            assertEquals(List.of(), store.events(0, null, null, 10));
        }
        try (Store store = Store.open(file)) {
            assertEquals(1, store.list().size());
        }
    }

    @Test
    void nestedCallsCommitWithTheOuterAndAFailedInnerUndoesOnlyItself() {
        try (Store store = Store.open(dir.resolve("engine.db"))) {
            String result = store.inTransaction(s -> {
                s.insert(Records.container("a", "a"));
                assertThrows(StoreException.Conflict.class, () -> s.inTransaction(inner -> {
                    inner.insert(Records.container("b", "b"));
                    inner.insert(Records.container("c", "a"));
                    return null;
                }));
                s.inTransaction(inner -> {
                    inner.insert(Records.container("d", "d"));
                    return null;
                });
                return "done";
            });
            assertEquals("done", result);
            assertEquals(List.of("a", "d"), store.list().stream().map(ContainerRecord::id).toList());
        }
    }

    @Test
    void concurrentInsertsFromEightThreadsAllLand() throws Exception {
        int threads = 8;
        int each = 50;
        try (Store store = Store.open(dir.resolve("engine.db"));
             ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        String id = "t" + thread + "-" + i;
                        store.insert(Records.container(id, "name-" + id));
                        store.find(id).orElseThrow();
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            assertEquals(threads * each, store.list().size());
        }
    }
}
