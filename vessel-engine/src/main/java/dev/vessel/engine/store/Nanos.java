package dev.vessel.engine.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;

/**
 * Instants as integer nanoseconds since the epoch: exact to the nanosecond, compared and ordered
 * by SQLite as plain integers (ISO text with a variable number of fraction digits sorts wrongly).
 * The range of a long is the years 1677 to 2262.
 */
final class Nanos {

    private static final long PER_SECOND = 1_000_000_000L;

    private Nanos() {
    }

    static long of(Instant time) {
        try {
            return Math.addExact(Math.multiplyExact(time.getEpochSecond(), PER_SECOND), time.getNano());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("time " + time + " is outside what the engine database stores"
                    + " (years 1677 to 2262)");
        }
    }

    static Instant instant(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, PER_SECOND), Math.floorMod(nanos, PER_SECOND));
    }

    static void set(PreparedStatement statement, int index, Instant time) throws SQLException {
        if (time == null) {
            statement.setNull(index, Types.INTEGER);
        } else {
            statement.setLong(index, of(time));
        }
    }

    static Instant get(ResultSet row, String column) throws SQLException {
        long nanos = row.getLong(column);
        return row.wasNull() ? null : instant(nanos);
    }
}
