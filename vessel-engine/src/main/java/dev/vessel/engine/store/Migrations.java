package dev.vessel.engine.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The schema's history. Script N (1-based) takes the database from {@code PRAGMA user_version}
 * N-1 to N, in one transaction together with the version bump, so a crash leaves either the old
 * schema or the new one. A script that has shipped is never edited: a change is the next script.
 */
final class Migrations {

    /** In order. The resources live beside this class: /dev/vessel/engine/store/NNN-name.sql. */
    static final List<String> SCRIPTS = List.of("001-containers.sql", "002-events.sql");

    private Migrations() {
    }

    static int latest() {
        return SCRIPTS.size();
    }

    static int version(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("PRAGMA user_version")) {
            return row.next() ? row.getInt(1) : 0;
        }
    }

    /** Brings the database up to {@link #latest()}, or refuses one written by a newer vessel. */
    static void apply(Connection connection, Path file) {
        try {
            refuseNewer(file, version(connection));
            for (int target = 1; target <= latest(); target++) {
                applyOne(connection, file, target);
            }
        } catch (SQLException e) {
            throw StoreException.sql(file, "read the schema version", e);
        }
    }

    private static void refuseNewer(Path file, int version) {
        if (version > latest()) {
            throw new StoreException("engine database " + file + " has schema version " + version
                    + ", this vessel knows up to " + latest() + ": upgrade vessel");
        }
    }

    private static void applyOne(Connection connection, Path file, int target) {
        String script = SCRIPTS.get(target - 1);
        try (Statement statement = connection.createStatement()) {
            // IMMEDIATE takes the write lock before reading the version: a second process opening
            // the same file at the same moment waits here and then finds the work done.
            statement.execute("BEGIN IMMEDIATE");
            try {
                int version = version(connection);
                refuseNewer(file, version);
                if (version < target) {
                    for (String sql : statements(read(script))) {
                        statement.execute(sql);
                    }
                    statement.execute("PRAGMA user_version = " + target);
                }
                statement.execute("COMMIT");
            } catch (SQLException | RuntimeException e) {
                try {
                    statement.execute("ROLLBACK");
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        } catch (SQLException e) {
            throw StoreException.sql(file, "apply schema migration " + script, e);
        }
    }

    private static String read(String script) {
        try (InputStream in = Migrations.class.getResourceAsStream(script)) {
            if (in == null) {
                throw new IllegalStateException("schema migration " + script + " is missing from the vessel jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schema migration " + script, e);
        }
    }

    /**
     * Splits a script into statements. JDBC runs one statement per call; our scripts keep to
     * DDL without triggers or string literals, so a ';' always ends a statement.
     */
    static List<String> statements(String script) {
        String code = script.lines()
                .map(line -> line.strip().startsWith("--") ? "" : line)
                .collect(Collectors.joining("\n"));
        return Arrays.stream(code.split(";")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
