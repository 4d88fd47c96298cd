package dev.vessel.engine.api;

/**
 * A request the engine refuses, with the HTTP status it answers and, where one field of the
 * request is at fault, that field and its value: the client shows the message as it is, so it
 * says what was wrong and what to do.
 */
public final class ApiError extends RuntimeException {

    private final int status;
    private final String field;
    private final transient Object value;

    public ApiError(int status, String message) {
        this(status, message, null, null);
    }

    public ApiError(int status, String message, String field, Object value) {
        super(message);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("an API error's status is 4xx or 5xx, not " + status);
        }
        this.status = status;
        this.field = field;
        this.value = value;
    }

    public int status() {
        return status;
    }

    /** The request field at fault, or null. */
    public String field() {
        return field;
    }

    /** The value it had, or null. */
    public Object value() {
        return value;
    }
}
