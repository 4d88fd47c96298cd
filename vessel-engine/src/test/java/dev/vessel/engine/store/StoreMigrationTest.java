package dev.vessel.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreMigrationTest {

    @TempDir
    Path dir;

    @Test
    void emptyFileIsMigratedToTheLatestVersionInWalMode() throws Exception {
        Path file = dir.resolve("engine.db");
        Files.createFile(file);
        try (Store store = Store.open(file)) {
            assertEquals(Migrations.latest(), store.schemaVersion());
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement()) {
            assertEquals("wal", single(s, "PRAGMA journal_mode"));
            assertEquals("containers,events", single(s,
                    "SELECT group_concat(name) FROM (SELECT name FROM sqlite_schema WHERE type = 'table'"
                            + " AND name NOT LIKE 'sqlite_%' ORDER BY name)"));
        }
    }

    @Test
    void reopeningAMigratedDatabaseChangesNothing() {
        Path file = dir.resolve("engine.db");
        try (Store store = Store.open(file)) {
            store.insert(Records.container("abc", "web"));
        }
        try (Store store = Store.open(file)) {
            assertEquals(Migrations.latest(), store.schemaVersion());
            assertEquals(1, store.list().size());
        }
    }

    @Test
    void databaseFromANewerVesselIsRefusedUntouched() throws Exception {
        Path file = dir.resolve("engine.db");
        int newer = Migrations.latest() + 1;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement()) {
            s.execute("PRAGMA user_version = " + newer);
        }
        var e = assertThrows(StoreException.class, () -> Store.open(file));
        assertEquals("engine database " + file.toAbsolutePath() + " has schema version " + newer
                + ", this vessel knows up to " + Migrations.latest() + ": upgrade vessel", e.getMessage());
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement()) {
            assertEquals(String.valueOf(newer), single(s, "PRAGMA user_version"));
            assertEquals("0", single(s, "SELECT count(*) FROM sqlite_schema"));
        }
    }

    @Test
    void scriptsSplitIntoStatementsWithoutComments() {
        assertEquals(List.of("CREATE TABLE a (x)", "CREATE INDEX i ON a (x)"),
                Migrations.statements("-- a; comment\nCREATE TABLE a (x);\n\n  -- more\nCREATE INDEX i ON a (x);\n"));
    }

    @Test
    void aFileThatIsNotADatabaseIsReportedWithWhatToDo() throws Exception {
        Path file = dir.resolve("engine.db");
        Files.writeString(file, "this is not sqlite, just text that is long enough to be a header".repeat(20));
        var e = assertThrows(StoreException.class, () -> Store.open(file));
        assertEquals(true, e.getMessage().startsWith("engine database " + file.toAbsolutePath() + ": cannot "),
                e.getMessage());
        assertEquals(true, e.getMessage().endsWith("move it aside or restore a backup"), e.getMessage());
    }

    private static String single(Statement s, String sql) throws Exception {
        try (ResultSet row = s.executeQuery(sql)) {
            row.next();
            return row.getString(1);
        }
    }
}
