package dev.vessel.engine.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The SQL of the events table. Callers hold the store's lock (and a transaction to write). */
final class EventLog {

    /** The log is a window, not an archive (Docker keeps 1,000 in memory); monitoring keeps history. */
    static final int RETAINED = 10_000;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> ATTRIBUTES = new TypeReference<>() {
    };

    private EventLog() {
    }

    static long append(Connection c, Event e) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO events (time, type, action, actor_id, attributes) VALUES (?, ?, ?, ?, ?)")) {
            Nanos.set(s, 1, e.time());
            s.setString(2, e.type());
            s.setString(3, e.action());
            s.setString(4, e.actorId());
            s.setString(5, write(e.attributes()));
            s.executeUpdate();
        }
        long seq;
        try (Statement s = c.createStatement(); ResultSet row = s.executeQuery("SELECT last_insert_rowid()")) {
            row.next();
            seq = row.getLong(1);
        }
        // Seqs only grow, so "older than the RETAINED-th newest" is a range on the primary key.
        try (PreparedStatement s = c.prepareStatement("DELETE FROM events WHERE seq <= "
                + "(SELECT seq FROM events ORDER BY seq DESC LIMIT 1 OFFSET ?)")) {
            s.setInt(1, RETAINED);
            s.executeUpdate();
        }
        return seq;
    }

    /** Events with seq after {@code afterSeq} and time in [since, until] (null: open), oldest first. */
    static List<Event> events(Connection c, long afterSeq, Instant since, Instant until, int limit)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT seq, time, type, action, actor_id, attributes"
                + " FROM events WHERE seq > ?1 AND (?2 IS NULL OR time >= ?2) AND (?3 IS NULL OR time <= ?3)"
                + " ORDER BY seq LIMIT ?4")) {
            s.setLong(1, afterSeq);
            Nanos.set(s, 2, since);
            Nanos.set(s, 3, until);
            s.setInt(4, limit);
            try (ResultSet row = s.executeQuery()) {
                List<Event> out = new ArrayList<>();
                while (row.next()) {
                    long seq = row.getLong("seq");
                    out.add(new Event(seq, Nanos.get(row, "time"), row.getString("type"), row.getString("action"),
                            row.getString("actor_id"), read(seq, row.getString("attributes"))));
                }
                return out;
            }
        }
    }

    private static String write(Map<String, String> attributes) {
        try {
            // Sorted, so that the same attributes are always the same text.
            return JSON.writeValueAsString(new TreeMap<>(attributes));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write event attributes as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static Map<String, String> read(long seq, String json) {
        try {
            return JSON.readValue(json, ATTRIBUTES);
        } catch (JsonProcessingException e) {
            throw new StoreException("event " + seq + " in the engine database has unreadable attributes ("
                    + e.getOriginalMessage() + "): the file was changed outside vessel; delete that event", e);
        }
    }
}
