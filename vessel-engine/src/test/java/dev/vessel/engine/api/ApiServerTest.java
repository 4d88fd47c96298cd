package dev.vessel.engine.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server and the client over a real unix socket. */
class ApiServerTest {

    record Greeting(String name) {}

    @TempDir
    Path tmp;
    private Path socket;
    private ApiServer server;
    private EngineClient client;

    @BeforeEach
    void start() throws IOException {
        socket = tmp.resolve("api.sock");
        Router router = new Router()
                .route("POST", "/v1/greet/{who}", r -> Response.json(201, Map.of("hello", r.pathParam("who"),
                        "from", r.body(Greeting.class).name())))
                .route("DELETE", "/v1/greet/{who}", r -> Response.empty())
                .route("GET", "/v1/lines", r -> Response.stream("application/x-ndjson", out -> {
                    for (int i = 0; i < Integer.parseInt(r.query("n", "3")); i++) {
                        out.write(("{\"i\":" + i + "}\n").getBytes());
                        out.flush();
                    }
                }))
                .route("GET", "/v1/refuse", r -> {
                    throw new ApiError(409, "refused: it is in use", "name", "web");
                })
                .route("GET", "/v1/crash", r -> {
                    throw new IllegalStateException("boom");
                });
        router.metrics().route(router);
        server = new ApiServer(socket, router);
        server.start();
        client = EngineClient.unix(socket);
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void jsonGoesBothWays() {
        assertTrue(client.ping());
        JsonNode r = client.post("/v1/greet/world", new Greeting("vessel"));
        assertEquals("world", r.get("hello").asText());
        assertEquals("vessel", r.get("from").asText());
        assertEquals(204, client.call("DELETE", "/v1/greet/world", null).status());
    }

    @Test
    void anApiErrorReachesTheClientWithItsStatusMessageAndField() {
        EngineClient.Error e = assertThrows(EngineClient.Error.class, () -> client.get("/v1/refuse"));
        assertEquals(409, e.status());
        assertEquals("refused: it is in use", e.getMessage());
        assertEquals("name", e.field());
        EngineClient.Reply raw = client.call("GET", "/v1/refuse", null);
        assertEquals("web", raw.body().get("value").asText());
    }

    @Test
    void badRequestsAre4xxJsonNamingWhatWasWrong() {
        EngineClient.Reply unknown = client.call("POST", "/v1/greet/x", Map.of("nmae", "typo"));
        assertEquals(400, unknown.status());
        assertEquals("nmae", unknown.body().get("field").asText());
        assertEquals(400, client.call("POST", "/v1/greet/x", null).status(), "no body");
        assertEquals(404, client.call("GET", "/v1/none", null).status());
        EngineClient.Reply method = client.call("PUT", "/v1/greet/x", null);
        assertEquals(405, method.status());
        assertTrue(method.body().get("message").asText().contains("DELETE, POST"), method.body().toString());
    }

    @Test
    void aFailingRouteIsA500WithAMessageAndTheServerGoesOn() {
        EngineClient.Reply r = client.call("GET", "/v1/crash", null);
        assertEquals(500, r.status());
        assertTrue(r.body().get("message").asText().contains("boom"), r.body().toString());
        assertTrue(client.ping());
    }

    @Test
    void aStreamArrivesLineByLine() {
        List<String> lines = new ArrayList<>();
        client.stream("/v1/lines?n=4", lines::add);
        assertEquals(List.of("{\"i\":0}", "{\"i\":1}", "{\"i\":2}", "{\"i\":3}"), lines);
    }

    @Test
    void metricsCountRequestsByRoutePatternAndStatus() {
        client.call("DELETE", "/v1/greet/a", null);
        client.call("DELETE", "/v1/greet/b", null);
        client.call("GET", "/v1/refuse", null);
        List<String> lines = new ArrayList<>();
        client.stream("/metrics", lines::add);
        assertTrue(lines.contains("vessel_api_requests_total{code=\"204\",method=\"DELETE\",route=\"/v1/greet/{who}\"} 2.0"),
                String.join("\n", lines));
        assertTrue(lines.contains("vessel_api_requests_total{code=\"409\",method=\"GET\",route=\"/v1/refuse\"} 1.0"),
                String.join("\n", lines));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("vessel_api_request_duration_seconds_bucket{")),
                String.join("\n", lines));
    }

    @Test
    void theSocketIsForItsOwnerOnlyAndGoesWithTheServer() throws IOException {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
        server.close();
        assertFalse(Files.exists(socket));
        assertFalse(client.ping(), "nothing answers once it is gone");
        server = null;
    }

    @Test
    void aSocketSomethingAnswersOnIsRefusedAndADeadOneIsReplaced() throws IOException {
        IOException e = assertThrows(IOException.class, () -> new ApiServer(socket, new Router()).start());
        assertTrue(e.getMessage().startsWith("an engine already answers on " + socket), e.getMessage());
        assertTrue(client.ping(), "the first server is untouched");
        server.close();
        server = null;
        Path dead = tmp.resolve("dead.sock");
        try (ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.bind(UnixDomainSocketAddress.of(dead)); // bound, then closed: the file stays, nothing listens
        }
        assertTrue(Files.exists(dead));
        ApiServer replacing = new ApiServer(dead, new Router());
        replacing.start();
        try (EngineClient c = EngineClient.unix(dead)) {
            assertTrue(c.ping());
        } finally {
            replacing.close();
        }
    }
}
