package dev.vessel.engine;

import dev.vessel.engine.store.Event;
import dev.vessel.engine.store.Store;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The engine's event log: every event is appended to the store (so {@code --since} reaches
 * back across engine restarts) and handed to the live subscribers of {@code /v1/events}.
 */
final class Events {

    private final Store store;
    private final CopyOnWriteArrayList<BlockingQueue<Event>> subscribers = new CopyOnWriteArrayList<>();

    Events(Store store) {
        this.store = store;
    }

    void emit(String type, String action, String actorId, Map<String, String> attributes) {
        Event e = Event.of(Instant.now(), type, action, actorId, attributes);
        long seq = store.append(e);
        Event stored = new Event(seq, e.time(), type, action, actorId, e.attributes());
        for (BlockingQueue<Event> q : subscribers) {
            q.offer(stored); // unbounded: a slow reader costs memory, never an event
        }
    }

    /** A live feed of what happens from now on; {@link #unsubscribe} it when the reader goes. */
    BlockingQueue<Event> subscribe() {
        BlockingQueue<Event> q = new LinkedBlockingQueue<>();
        subscribers.add(q);
        return q;
    }

    void unsubscribe(BlockingQueue<Event> q) {
        subscribers.remove(q);
    }
}
