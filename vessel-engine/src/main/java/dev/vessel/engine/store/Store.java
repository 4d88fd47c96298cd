package dev.vessel.engine.store;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The engine's state: one SQLite file, one JDBC connection, one lock.
 *
 * <p>The engine is a single process, so one connection serialised by a lock is all the
 * concurrency SQLite needs, and it makes every method safe to call from any thread. Each write
 * is a transaction; {@link #inTransaction} groups several into one, which is what lets a
 * reconcile step record an object together with its undo (DESIGN.md "The engine"). WAL with
 * synchronous=FULL means a transaction that returned is on disk, even after a kill -9 or a
 * power cut.
 */
public final class Store implements AutoCloseable {

    private final Path file;
    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();
    /** How deep the lock holder is in {@link #inTransaction}; 0 outside one. */
    private int depth;
    private boolean closed;

    private Store(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
    }

    /** Opens (creating it, mode 0600, and its directories if need be) and migrates the database. */
    public static Store open(Path file) {
        Path path = file.toAbsolutePath();
        create(path);
        Connection connection;
        try {
            connection = DriverManager.getConnection("jdbc:sqlite:" + path);
        } catch (SQLException e) {
            throw StoreException.sql(path, "open the database", e);
        }
        try {
            configure(connection, path);
            Migrations.apply(connection, path);
            return new Store(path, connection);
        } catch (RuntimeException e) {
            try {
                connection.close();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static void create(Path path) {
        try {
            if (path.getParent() != null) {
                Files.createDirectories(path.getParent());
            }
            if (Files.notExists(path)) {
                // The database holds every container's environment (secrets among them): only
                // its owner reads it. SQLite gives the -wal and -shm files the same mode.
                Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
        } catch (FileAlreadyExistsException raced) {
            // Another process created it between the check and ours: it is there, which is all we need.
        } catch (UnsupportedOperationException notPosix) {
            // Not a POSIX file system: SQLite creates the file itself, with the process's umask.
        } catch (IOException e) {
            throw new StoreException("cannot create engine database " + path + ": " + e
                    + ": check that its directory is writable, or choose another with --root", e);
        }
    }

    private static void configure(Connection connection, Path path) {
        try (Statement s = connection.createStatement()) {
            // First, so that the pragmas below already wait for a lock instead of failing.
            s.execute("PRAGMA busy_timeout = 5000");
            try (ResultSet mode = s.executeQuery("PRAGMA journal_mode = WAL")) {
                String actual = mode.next() ? mode.getString(1) : "unknown";
                if (!"wal".equalsIgnoreCase(actual)) {
                    throw new StoreException("engine database " + path + " cannot use write-ahead logging"
                            + " (journal mode stays " + actual + "): put --root on a local file system");
                }
            }
            s.execute("PRAGMA synchronous = FULL");
            s.execute("PRAGMA foreign_keys = ON");
        } catch (SQLException e) {
            throw StoreException.sql(path, "configure the connection", e);
        }
    }

    public Path file() {
        return file;
    }

    public int schemaVersion() {
        return read("read the schema version", Migrations::version);
    }

    /** Adds a container; a taken id or name is a {@link StoreException.Conflict}. */
    public void insert(ContainerRecord container) {
        Objects.requireNonNull(container, "container");
        write("insert container " + container.shortId(), c -> {
            ContainerTable.insert(c, container);
            return null;
        });
    }

    /** Replaces the container with the same id; an unknown id is a {@link StoreException.NotFound}. */
    public void update(ContainerRecord container) {
        Objects.requireNonNull(container, "container");
        write("update container " + container.shortId(), c -> {
            ContainerTable.update(c, container);
            return null;
        });
    }

    /** @return false if there was no container with that id */
    public boolean delete(String id) {
        return write("delete container " + id, c -> ContainerTable.delete(c, id));
    }

    /**
     * Finds a container by exact id, then exact name, then unique id prefix; a prefix shared by
     * several ids is a {@link StoreException.Ambiguous}.
     */
    public Optional<ContainerRecord> find(String ref) {
        return read("find container \"" + ref + "\"", c -> ContainerTable.find(c, ref));
    }

    /** Every container, oldest first. */
    public List<ContainerRecord> list() {
        return read("list containers", ContainerTable::list);
    }

    /** Stores an event (its seq is ignored) and trims the log to the newest 10,000; returns the seq given. */
    public long append(Event event) {
        Objects.requireNonNull(event, "event");
        return write("append a " + event.type() + " " + event.action() + " event", c -> EventLog.append(c, event));
    }

    /**
     * Events with a seq greater than {@code afterSeq} and a time within [since, until] (either
     * may be null for no bound), oldest first, at most {@code limit} of them.
     */
    public List<Event> events(long afterSeq, Instant since, Instant until, int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("event limit " + limit + " must be positive");
        }
        return read("read events", c -> EventLog.events(c, afterSeq, since, until, limit));
    }

    /**
     * Runs {@code work} as one transaction: everything it writes through the store commits
     * together when it returns, or not at all when it throws (the exception is rethrown). A call
     * from inside {@code work} joins the outer transaction; if the inner work throws, only its
     * own writes are undone (a savepoint), and the outer decides whether to go on. The store
     * is locked for the duration: {@code work} must not wait for another thread that uses it.
     */
    public <T> T inTransaction(Function<Store, T> work) {
        lock.lock();
        try {
            ensureOpen();
            boolean outer = depth == 0;
            String savepoint = "nested" + depth;
            execute("begin a transaction", outer ? "BEGIN IMMEDIATE" : "SAVEPOINT " + savepoint);
            depth++;
            T result;
            try {
                result = work.apply(this);
            } catch (RuntimeException | Error e) {
                depth--;
                undo(e, outer ? "ROLLBACK" : "ROLLBACK TO " + savepoint, outer ? null : "RELEASE " + savepoint);
                throw e;
            }
            depth--;
            try {
                execute("commit a transaction", outer ? "COMMIT" : "RELEASE " + savepoint);
            } catch (StoreException e) {
                // A failed COMMIT (disk full, I/O error) may leave the transaction open; close it
                // so that the next call does not run inside it.
                undo(e, outer ? "ROLLBACK" : "ROLLBACK TO " + savepoint, outer ? null : "RELEASE " + savepoint);
                throw e;
            }
            return result;
        } finally {
            lock.unlock();
        }
    }

    private void undo(Throwable cause, String... sql) {
        for (String statement : sql) {
            if (statement == null) {
                continue;
            }
            try (Statement s = connection.createStatement()) {
                s.execute(statement);
            } catch (SQLException e) {
                cause.addSuppressed(e);
            }
        }
    }

    /** Closes the connection; later calls fail. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            connection.close();
        } catch (SQLException e) {
            throw StoreException.sql(file, "close the database", e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "Store[" + file + "]";
    }

    /** A piece of work on the connection; runs with the lock held. */
    private interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private <T> T read(String operation, Work<T> work) {
        lock.lock();
        try {
            ensureOpen();
            return work.run(connection);
        } catch (SQLException e) {
            throw StoreException.sql(file, operation, e);
        } finally {
            lock.unlock();
        }
    }

    /** A write is a transaction of its own, or part of the caller's {@link #inTransaction}. */
    private <T> T write(String operation, Work<T> work) {
        return inTransaction(store -> read(operation, work));
    }

    private void execute(String operation, String sql) {
        read(operation, c -> {
            try (Statement s = c.createStatement()) {
                s.execute(sql);
            }
            return null;
        });
    }

    private void ensureOpen() {
        if (closed) {
            throw new StoreException("engine database " + file + " is closed: this is a bug in vessel, please report it");
        }
    }
}
