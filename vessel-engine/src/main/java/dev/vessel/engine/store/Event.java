package dev.vessel.engine.store;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One entry of the engine's event log (what "vessel events" and the Docker API's /events show).
 *
 * @param seq        assigned by the database on {@link Store#append}; 0 for an event not yet stored
 * @param type       the kind of object: "container", "image", "network", …
 * @param action     what happened to it: "create", "start", "die", …
 * @param actorId    the object's id
 * @param attributes extra details (name, image, exit code), copied
 */
public record Event(long seq, Instant time, String type, String action, String actorId,
                    Map<String, String> attributes) {

    public Event {
        Objects.requireNonNull(time, "event time must not be null");
        Objects.requireNonNull(type, "event type must not be null");
        Objects.requireNonNull(action, "event action must not be null");
        Objects.requireNonNull(actorId, "event actor id must not be null");
        if (seq < 0) {
            throw new IllegalArgumentException("event seq " + seq + " is negative");
        }
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    /** An event to {@link Store#append}; the database gives it its seq. */
    public static Event of(Instant time, String type, String action, String actorId, Map<String, String> attributes) {
        return new Event(0, time, type, action, actorId, attributes);
    }
}
