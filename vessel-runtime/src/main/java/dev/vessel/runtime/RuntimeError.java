package dev.vessel.runtime;

/**
 * A failure to show the user as one line: what failed, on which object, why, and what to do.
 * Never carries a stack trace to the terminal. {@code exitCode} follows runc (1 for almost
 * everything).
 */
public class RuntimeError extends RuntimeException {

    public static final int GENERIC = 1;

    private final int exitCode;

    public RuntimeError(String message) {
        this(message, GENERIC);
    }

    public RuntimeError(String message, int exitCode) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    public RuntimeError(String message, Throwable cause) {
        super(message, cause, false, false);
        this.exitCode = GENERIC;
    }

    /** A container id with no state: runc's wording, so scripts that match on it keep working. */
    public static RuntimeError notFound(String id) {
        return new NotFound(id);
    }

    public static final class NotFound extends RuntimeError {
        NotFound(String id) {
            super("container \"" + id + "\" does not exist");
        }
    }

    public int exitCode() {
        return exitCode;
    }

    /**
     * The container's command could not be executed. The runtime still exits 1, as runc does;
     * {@code vessel run} exits with {@link #shellStatus()} instead, as docker and podman do
     * (and as a shell does): 127 when the command is not found, 126 when it cannot be run.
     */
    public static final class CommandFailed extends RuntimeError {
        private final boolean notFound;

        public CommandFailed(String message, boolean notFound) {
            super(message);
            this.notFound = notFound;
        }

        public int shellStatus() {
            return notFound ? 127 : 126;
        }
    }
}
