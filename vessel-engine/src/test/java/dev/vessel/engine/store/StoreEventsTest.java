package dev.vessel.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreEventsTest {

    @TempDir
    Path dir;

    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00.000000001Z");

    @Test
    void appendAssignsSeqAndEveryFieldRoundTrips() {
        Path file = dir.resolve("engine.db");
        Map<String, String> attributes = Map.of("name", "web", "exitCode", "137", "quote", "\"{}\\ é");
        long first;
        try (Store store = Store.open(file)) {
            first = store.append(Event.of(T0, "container", "die", "3f2a9c1d", attributes));
            long second = store.append(Event.of(T0.plusNanos(1), "image", "pull", "sha256:ab", null));
            assertEquals(first + 1, second);
        }
        try (Store store = Store.open(file)) {
            assertEquals(List.of(new Event(first, T0, "container", "die", "3f2a9c1d", attributes),
                            new Event(first + 1, T0.plusNanos(1), "image", "pull", "sha256:ab", Map.of())),
                    store.events(0, null, null, 100));
        }
    }

    @Test
    void filtersBySeqTimeAndLimit() {
        try (Store store = Store.open(dir.resolve("engine.db"))) {
            for (int i = 0; i < 10; i++) {
                store.append(Event.of(T0.plusSeconds(i), "container", "start", "c" + i, Map.of()));
            }
            assertEquals(List.of("c4", "c5", "c6"), actors(store.events(0, T0.plusSeconds(4), T0.plusSeconds(6), 100)));
            assertEquals(List.of("c8", "c9"), actors(store.events(8, null, null, 100)));
            assertEquals(List.of("c0", "c1", "c2"), actors(store.events(0, null, null, 3)));
            assertEquals(List.of("c7", "c8"), actors(store.events(7, T0.plusSeconds(5), T0.plusSeconds(8), 100)));
            assertEquals(List.of(), actors(store.events(0, T0.plusSeconds(11), null, 100)));
            assertThrows(IllegalArgumentException.class, () -> store.events(0, null, null, 0));
        }
    }

    @Test
    void theLogKeepsOnlyTheNewestTenThousandAndNeverReusesASeq() {
        try (Store store = Store.open(dir.resolve("engine.db"))) {
            int total = EventLog.RETAINED + 25;
            // One transaction: ten thousand fsyncs would make this test slow, not better.
            long last = store.inTransaction(s -> {
                long seq = 0;
                for (int i = 0; i < total; i++) {
                    seq = s.append(Event.of(T0.plusNanos(i), "container", "exec", "c" + i, Map.of()));
                }
                return seq;
            });
            List<Event> kept = store.events(0, null, null, total);
            assertEquals(EventLog.RETAINED, kept.size());
            assertEquals(last - EventLog.RETAINED + 1, kept.getFirst().seq());
            assertEquals("c25", kept.getFirst().actorId());
            assertEquals(last, kept.getLast().seq());
            assertEquals(last + 1, store.append(Event.of(T0, "container", "exec", "again", Map.of())));
            assertEquals(EventLog.RETAINED, store.events(0, null, null, total).size());
        }
    }

    private static List<String> actors(List<Event> events) {
        return events.stream().map(Event::actorId).toList();
    }
}
