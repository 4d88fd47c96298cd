package dev.vessel.engine.store;

import java.nio.file.Path;
import java.sql.SQLException;
import org.sqlite.SQLiteException;

/**
 * A failure of the engine's state store. The message is meant for the user as it stands: it
 * names the operation, the object or the database file, and what to do; the cause (when there
 * is one) is kept for the log, never shown instead.
 */
public class StoreException extends RuntimeException {

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Turns a driver failure into a message that names the operation and the file, and says what
     * to do for the failures a user can fix (lock held, disk full, permissions, damaged file).
     */
    static StoreException sql(Path file, String operation, SQLException e) {
        int code = e instanceof SQLiteException s ? s.getResultCode().code & 0xff : e.getErrorCode() & 0xff;
        String hint = switch (code) {
            case 5, 6 -> "another process held the database lock for more than 5 s:"
                    + " is a second engine running with the same --root?";
            case 13 -> "the file system is full: free space on it";
            case 3, 8, 14, 23 -> "check the owner and permissions of the file and its directory";
            case 11, 26 -> "the file is damaged or is not an engine database: move it aside or restore a backup";
            case 10 -> "the disk reported an I/O error: check the kernel log (dmesg)";
            default -> "this is a bug in vessel: please report it with this message";
        };
        return new StoreException("engine database " + file + ": cannot " + operation + ": " + e.getMessage()
                + ": " + hint, e);
    }

    /** An id or a name is already taken by another object. */
    public static final class Conflict extends StoreException {
        public Conflict(String message) {
            super(message);
        }
    }

    /** The object the caller named does not exist (any more). */
    public static final class NotFound extends StoreException {
        public NotFound(String message) {
            super(message);
        }
    }

    /** A reference (an id prefix) matches more than one object. */
    public static final class Ambiguous extends StoreException {
        public Ambiguous(String message) {
            super(message);
        }
    }
}
