package dev.vessel.engine.api;

import java.io.OutputStream;

/** What a route answers: a JSON value, nothing, or a body written as it is produced. */
public sealed interface Response {

    int status();

    /** A JSON document ({@code value} through Jackson). */
    record Json(int status, Object value) implements Response {}

    /** No body (204). */
    record Empty(int status) implements Response {}

    /** A body written as it is produced (logs, events); it ends when {@link Body#write} returns. */
    record Stream(int status, String contentType, Body body) implements Response {}

    /** Writes a streamed body; each flush reaches the client. An exception ends the stream. */
    @FunctionalInterface
    interface Body {
        void write(OutputStream out) throws Exception;
    }

    static Response json(Object value) {
        return new Json(200, value);
    }

    static Response json(int status, Object value) {
        return new Json(status, value);
    }

    static Response empty() {
        return new Empty(204);
    }

    static Response stream(String contentType, Body body) {
        return new Stream(200, contentType, body);
    }
}
