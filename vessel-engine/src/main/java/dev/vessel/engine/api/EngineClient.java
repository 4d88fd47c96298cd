package dev.vessel.engine.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.io.Transport;

/**
 * A client of the engine's API on its unix socket (Jetty's HTTP client), for {@code vessel}
 * and the tests. A 4xx or 5xx answer is an {@link Error} carrying the engine's message, status
 * and field, so the CLI prints what the engine said and nothing else.
 */
public final class EngineClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Longer than any stop's grace period the CLI asks for by default (docker's 10 s) plus the kill. */
    private static final long TIMEOUT_SECONDS = 600;

    /** An answer: its status and its JSON body (null node when it has none). */
    public record Reply(int status, JsonNode body) {}

    /** The engine refused the request, or could not be reached (status 0). */
    public static final class Error extends RuntimeException {
        private final int status;
        private final String field;

        public Error(int status, String message, String field) {
            super(message);
            this.status = status;
            this.field = field;
        }

        public int status() {
            return status;
        }

        /** The request field the engine named, or null. */
        public String field() {
            return field;
        }
    }

    private final Path socket;
    private HttpClient http;

    private EngineClient(Path socket) {
        this.socket = socket;
    }

    public static EngineClient unix(Path socket) {
        return new EngineClient(socket);
    }

    public Path socket() {
        return socket;
    }

    /** True when an engine answers on the socket (no socket file: false at once). */
    public boolean ping() {
        if (!Files.exists(socket) || !ApiServer.answers(socket)) {
            return false;
        }
        try {
            return call("GET", Router.PING, null).status() == 200;
        } catch (Error e) {
            return false;
        }
    }

    public JsonNode get(String path) {
        return ok(call("GET", path, null));
    }

    public JsonNode post(String path, Object body) {
        return ok(call("POST", path, body));
    }

    public JsonNode delete(String path) {
        return ok(call("DELETE", path, null));
    }

    /** One request; the answer whatever its status (an unreachable engine is an Error of status 0). */
    public Reply call(String method, String path, Object body) {
        try {
            var req = client().newRequest("http://vessel" + path).method(method).transport(new Transport.TCPUnix(socket))
                    .timeout(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (body != null) {
                req.body(new BytesRequestContent("application/json", JSON.writeValueAsBytes(body)));
            }
            ContentResponse r = req.send();
            byte[] content = r.getContent();
            JsonNode n = NullNode.getInstance();
            if (content.length > 0 && r.getMediaType() != null && r.getMediaType().contains("json")) {
                n = JSON.readTree(content);
            }
            return new Reply(r.getStatus(), n);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Error(0, "interrupted while waiting for the engine on " + socket, null);
        } catch (ExecutionException | TimeoutException | IOException e) {
            throw unreachable(e);
        }
    }

    /** GETs {@code path} and hands each line of its body to {@code lines} as it arrives, until the stream ends. */
    public void stream(String path, Consumer<String> lines) {
        InputStreamResponseListener listener = new InputStreamResponseListener();
        client().newRequest("http://vessel" + path).transport(new Transport.TCPUnix(socket))
                .idleTimeout(1, TimeUnit.DAYS).send(listener);
        try {
            org.eclipse.jetty.client.Response r = listener.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            try (InputStream in = listener.getInputStream()) {
                if (r.getStatus() >= 400) {
                    ok(new Reply(r.getStatus(), JSON.readTree(in.readAllBytes())));
                }
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    lines.accept(line);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Error(0, "interrupted while reading from the engine on " + socket, null);
        } catch (ExecutionException | TimeoutException | IOException e) {
            throw unreachable(e);
        }
    }

    private static JsonNode ok(Reply r) {
        if (r.status() >= 400) {
            JsonNode m = r.body().path("message");
            throw new Error(r.status(), m.isTextual() ? m.asText() : "the engine answered " + r.status(),
                    r.body().path("field").isTextual() ? r.body().path("field").asText() : null);
        }
        return r.body();
    }

    private Error unreachable(Exception e) {
        Throwable c = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return new Error(0, "cannot talk to the engine on " + socket + ": " + c.getMessage(), null);
    }

    private synchronized HttpClient client() {
        if (http == null) {
            HttpClient c = new HttpClient();
            c.setName("vessel-client");
            try {
                c.start();
            } catch (Exception e) {
                throw new Error(0, "cannot start the HTTP client: " + e.getMessage(), null);
            }
            http = c;
        }
        return http;
    }

    @Override
    public synchronized void close() {
        if (http != null) {
            try {
                http.stop();
            } catch (Exception e) {
                // nothing is left to release that the JVM's exit does not
            }
            http = null;
        }
    }
}
