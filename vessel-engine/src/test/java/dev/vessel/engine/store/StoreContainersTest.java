package dev.vessel.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreContainersTest {

    @TempDir
    Path dir;

    private static final String ID = "3f2a9c1d0e4b5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b";

    @Test
    void everyFieldRoundTripsIncludingNulls() {
        ContainerRecord blank = Records.container(ID, "web");
        ContainerRecord full = new ContainerRecord("b0b", "db", "postgres:17", "{\"Cmd\":[\"postgres\"]}", "running",
                4242, 0, Instant.parse("1970-01-01T00:00:00Z").minusNanos(1),
                Instant.parse("2026-12-07T10:15:30.000000001Z"), Instant.parse("2262-04-11T23:47:16.854775807Z"),
                7, "on-failure:5", true, "healthy");
        try (Store store = Store.open(dir.resolve("engine.db"))) {
            store.insert(blank);
            store.insert(full);
            assertEquals(Optional.of(blank), store.find(ID));
            assertEquals(Optional.of(full), store.find("b0b"));
            assertEquals(List.of(full, blank), store.list());
        }
    }

    @Test
    void dataSurvivesReopenAndFileIsPrivate() throws Exception {
        Path file = dir.resolve("nested/dirs/engine.db");
        ContainerRecord r = Records.container(ID, "web").withState("exited").withExitCode(137);
        try (Store store = Store.open(file)) {
            store.insert(r);
            Path wal = file.resolveSibling("engine.db-wal");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(wal)));
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (Store store = Store.open(file)) {
            assertEquals(List.of(r), store.list());
        }
    }

    @Test
    void listIsInCreationOrder() {
        Instant t = Instant.parse("2026-12-07T10:00:00Z");
        try (Store store = Store.open(dir.resolve("engine.db"))) {
            store.insert(Records.container("c", "third", t.plusNanos(2)));
            store.insert(Records.container("a", "first", t));
            store.insert(Records.container("b", "second", t.plusNanos(1)));
            store.insert(Records.container("d", "fourth", t.plusNanos(2)));
            assertEquals(List.of("first", "second", "third", "fourth"),
                    store.list().stream().map(ContainerRecord::name).toList());
        }
    }

    @Test
    void takenNameAndTakenIdAreConflictsThatSayWhatToDo() {
        try (Store store = Store.open(dir.resolve("engine.db"))) {
            store.insert(Records.container(ID, "web"));
            var name = assertThrows(StoreException.Conflict.class, () -> store.insert(Records.container("other", "web")));
            assertEquals("container name \"web\" is already in use by container 3f2a9c1d0e4b:"
                    + " remove it (vessel rm web) or pick another", name.getMessage());
            var id = assertThrows(StoreException.Conflict.class, () -> store.insert(Records.container(ID, "db")));
            assertEquals("container id " + ID + " is already in use by container \"web\":"
                    + " create the container again to get a new id", id.getMessage());
            store.insert(Records.container("other", "db"));
            var rename = assertThrows(StoreException.Conflict.class,
                    () -> store.update(Records.container("other", "web")));
            assertEquals(name.getMessage(), rename.getMessage());
            assertEquals(2, store.list().size());
        }
    }

    @Test
    void findTriesIdThenNameThenUniquePrefix() {
        try (Store store = Store.open(dir.resolve("engine.db"))) {
            ContainerRecord web = Records.container("3f2a9c1d", "web");
            ContainerRecord db = Records.container("3f77aa00", "db");
            // A name that is also another container's id prefix: the exact name wins.
            ContainerRecord tricky = Records.container("9999", "3f2a");
            store.insert(web);
            store.insert(db);
            store.insert(tricky);
            assertEquals(Optional.of(web), store.find("3f2a9c1d"));
            assertEquals(Optional.of(db), store.find("db"));
            assertEquals(Optional.of(tricky), store.find("3f2a"));
            assertEquals(Optional.of(web), store.find("3f2a9"));
            assertEquals(Optional.of(db), store.find("3f7"));
            assertEquals(Optional.empty(), store.find("3f8"));
            assertEquals(Optional.empty(), store.find("%"));
            assertEquals(Optional.empty(), store.find(""));
            var e = assertThrows(StoreException.Ambiguous.class, () -> store.find("3f"));
            assertEquals("container reference \"3f\" is ambiguous, it matches 3f2a9c1d (web), 3f77aa00 (db):"
                    + " give more characters of the id, or the name", e.getMessage());
        }
    }

    @Test
    void updateReplacesByIdAndUnknownIdIsNotFound() {
        try (Store store = Store.open(dir.resolve("engine.db"))) {
            ContainerRecord r = Records.container(ID, "web");
            store.insert(r);
            ContainerRecord running = r.withState("running").withPid(99).withStarted(Instant.parse("2026-12-07T11:00:00Z"));
            store.update(running);
            assertEquals(Optional.of(running), store.find("web"));
            var e = assertThrows(StoreException.NotFound.class, () -> store.update(Records.container("gone", "x")));
            assertTrue(e.getMessage().startsWith("container gone (\"x\") is not in the engine database"), e.getMessage());
        }
    }

    @Test
    void deleteSaysWhetherThereWasOne() {
        try (Store store = Store.open(dir.resolve("engine.db"))) {
            store.insert(Records.container(ID, "web"));
            assertTrue(store.delete(ID));
            assertFalse(store.delete(ID));
            assertEquals(Optional.empty(), store.find("web"));
            store.insert(Records.container("new", "web"));
        }
    }

    @Test
    void closedStoreRefusesWork() {
        Store store = Store.open(dir.resolve("engine.db"));
        store.close();
        store.close();
        var e = assertThrows(StoreException.class, store::list);
        assertTrue(e.getMessage().contains("is closed"), e.getMessage());
    }
}
