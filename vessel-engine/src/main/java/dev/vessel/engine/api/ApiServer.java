package dev.vessel.engine.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.eclipse.jetty.http.HttpHeader;
import jdk.net.ExtendedSocketOptions;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The API's HTTP/1.1 server on a unix socket (Jetty), mode 0600: only root reaches it, as
 * only root reaches dockerd's, and each request's peer is checked (SO_PEERCRED) as well. Each request runs on a virtual thread, so a route may block
 * (a stop that waits for the exit, a followed log) without starving the others.
 */
public final class ApiServer implements AutoCloseable {

    /** The largest request body read; the API's bodies are small JSON documents. */
    static final int MAX_BODY = 8 << 20;

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The engine's own user, who may call it as root may. */
    private static final String OWNER = System.getProperty("user.name");

    private final Path socket;
    private final Router router;
    private final Server server;

    public ApiServer(Path socket, Router router) {
        this.socket = socket;
        this.router = router;
        QueuedThreadPool pool = new QueuedThreadPool(64, 2);
        pool.setName("vessel-api");
        pool.setDaemon(true);
        pool.setVirtualThreadsExecutor(Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("vessel-api-", 0).factory()));
        this.server = new Server(pool);
        server.setStopTimeout(2_000);
        UnixDomainServerConnector connector = new UnixDomainServerConnector(server);
        connector.setUnixDomainPath(socket);
        server.addConnector(connector);
        server.setHandler(new Dispatch());
    }

    /**
     * Binds the socket and answers. A socket file that something still answers on is another
     * engine's, and is refused; one that nothing answers on is left from an engine that died,
     * and is replaced.
     */
    public void start() throws IOException {
        Files.createDirectories(socket.getParent());
        if (Files.exists(socket)) {
            if (answers(socket)) {
                throw new IOException("an engine already answers on " + socket + ": stop it (vessel daemon stop) or use"
                        + " another --socket");
            }
            Files.delete(socket);
        }
        try {
            server.start();
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("cannot serve the API on " + socket + ": " + e.getMessage(), e);
        }
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
    }

    public Path socket() {
        return socket;
    }

    /** Stops answering (streams in flight end) and removes the socket. */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            // stopping is best effort; what matters is that the socket goes
        }
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            // left behind, the next engine replaces it (nothing answers on it)
        }
    }

    static boolean answers(Path socket) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The JSON body of an error: {"message", and where one field is at fault, "field" and "value"}. */
    static byte[] errorBody(ApiError e) {
        ObjectNode n = JSON.createObjectNode().put("message", e.getMessage());
        if (e.field() != null) {
            n.put("field", e.field());
            n.set("value", JSON.valueToTree(e.value()));
        }
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException x) {
            return ("{\"message\":\"" + e.getMessage().replace("\"", "'") + "\"}").getBytes(StandardCharsets.UTF_8);
        }
    }

    private final class Dispatch extends Handler.Abstract {

        @Override
        public boolean handle(Request req, org.eclipse.jetty.server.Response resp, Callback cb) {
            long t0 = System.nanoTime();
            String method = req.getMethod();
            String path = req.getHttpURI().getDecodedPath();
            String pattern = "(none)";
            int status;
            try {
                String stranger = stranger(req);
                if (stranger != null) {
                    throw new ApiError(403, "user " + stranger + " may not use the engine: its API is for root (and the"
                            + " engine's own user, " + OWNER + ")");
                }
                Router.Match m = router.match(method, path);
                pattern = m.pattern();
                byte[] body;
                try (InputStream in = Content.Source.asInputStream(req)) {
                    body = in.readNBytes(MAX_BODY + 1);
                }
                if (body.length > MAX_BODY) {
                    throw new ApiError(413, "the request body is larger than " + (MAX_BODY >> 20) + " MiB");
                }
                Response r = m.handler().handle(new ApiRequest(method, path, m.params(), query(req), body));
                status = r.status();
                switch (r) {
                    case Response.Json j -> send(resp, cb, j.status(), "application/json", JSON.writeValueAsBytes(j.value()));
                    case Response.Empty e -> {
                        resp.setStatus(e.status());
                        resp.write(true, null, cb);
                    }
                    case Response.Stream s -> stream(resp, cb, s, t0, method, pattern);
                }
            } catch (ApiError e) {
                status = e.status();
                send(resp, cb, status, "application/json", errorBody(e));
            } catch (Exception e) {
                status = 500;
                System.err.println("vessel-engine: " + method + " " + path + " failed:");
                e.printStackTrace();
                send(resp, cb, status, "application/json",
                        errorBody(new ApiError(500, "internal error in the engine: " + e + " (its log has the trace)")));
            }
            router.metrics().observe(method, pattern, status, System.nanoTime() - t0);
            return true;
        }

        private void stream(org.eclipse.jetty.server.Response resp, Callback cb, Response.Stream s, long t0, String method,
                            String pattern) {
            resp.setStatus(s.status());
            resp.getHeaders().put(HttpHeader.CONTENT_TYPE, s.contentType());
            try (OutputStream out = Content.Sink.asOutputStream(resp)) {
                out.flush(); // the headers now: a follower sees the stream open before the first line
                s.body().write(out);
            } catch (InterruptedException e) {
                // the engine is stopping
            } catch (Exception e) {
                // the client went away, or the producer failed mid-stream: the stream ends either way
                cb.failed(e);
                return;
            }
            cb.succeeded();
        }

        private static void send(org.eclipse.jetty.server.Response resp, Callback cb, int status, String type, byte[] body) {
            if (resp.isCommitted()) {
                cb.failed(new IOException("the response was already under way"));
                return;
            }
            resp.setStatus(status);
            resp.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
            resp.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
            resp.write(true, ByteBuffer.wrap(body), cb);
        }

        /**
         * The peer's user (SO_PEERCRED) when it is neither root nor the engine's own user; null
         * when it may call. The socket's mode keeps others out already; this holds if the mode
         * is loosened, or the socket is handed to a process that another user controls.
         */
        private static String stranger(Request req) throws IOException {
            if (req.getConnectionMetaData().getConnection().getEndPoint() instanceof SocketChannelEndPoint ep
                    && ep.getChannel() instanceof SocketChannel ch) {
                String user = ch.getOption(ExtendedSocketOptions.SO_PEERCRED).user().getName();
                return user.equals("root") || user.equals(OWNER) ? null : user;
            }
            return null;
        }

        private static Map<String, List<String>> query(Request req) {
            Fields f = Request.extractQueryParameters(req);
            Map<String, List<String>> m = new LinkedHashMap<>();
            for (Fields.Field field : f) {
                m.put(field.getName(), new ArrayList<>(field.getValues()));
            }
            return m;
        }
    }
}
