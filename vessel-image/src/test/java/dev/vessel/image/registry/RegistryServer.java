package dev.vessel.image.registry;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real registry for the tests: Debian's docker-registry (distribution 2.8) on 127.0.0.1 with
 * a throwaway config and storage, optionally behind htpasswd (bcrypt) Basic auth.
 */
final class RegistryServer implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/docker-registry");
    static final Path HTPASSWD = Path.of("/usr/bin/htpasswd");

    final Path storage;
    final String host;
    private final Process process;

    private RegistryServer(Path storage, String host, Process process) {
        this.storage = storage;
        this.host = host;
        this.process = process;
    }

    static boolean available() {
        return Files.isExecutable(BINARY);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static RegistryServer start(Path dir, String user, String password) throws IOException, InterruptedException {
        String auth = "";
        if (user != null) {
            Path htpasswd = dir.resolve("htpasswd");
            Process h = new ProcessBuilder(HTPASSWD.toString(), "-Bbn", user, password)
                    .redirectOutput(htpasswd.toFile()).start();
            if (h.waitFor() != 0) {
                throw new IOException("htpasswd failed");
            }
            auth = """
                    auth:
                      htpasswd:
                        realm: vessel-test
                        path: %s
                    """.formatted(htpasswd);
        }
        return startWithAuth(dir, auth);
    }

    /** Starts a registry whose config ends with {@code authYaml} (an "auth:" block, or empty). */
    static RegistryServer startWithAuth(Path dir, String authYaml) throws IOException, InterruptedException {
        return launch(dir, "", authYaml);
    }

    /** Starts a registry that speaks only HTTPS, with this PEM certificate (chain) and key. */
    static RegistryServer startTls(Path dir, Path certificate, Path key) throws IOException, InterruptedException {
        return startTls(dir, certificate, key, null);
    }

    /** As {@link #startTls(Path, Path, Path)}, and if {@code clientCa} is given, requiring a client certificate it signed. */
    static RegistryServer startTls(Path dir, Path certificate, Path key, Path clientCa) throws IOException, InterruptedException {
        return launch(dir, """
                  tls:
                    certificate: %s
                    key: %s
                """.formatted(certificate, key) + (clientCa == null ? "" : """
                    clientcas:
                      - %s
                """.formatted(clientCa)), "");
    }

    private static RegistryServer launch(Path dir, String tlsYaml, String authYaml) throws IOException, InterruptedException {
        String auth = authYaml;
        int port = freePort();
        Path storage = Files.createDirectories(dir.resolve("storage"));
        Path config = dir.resolve("config.yml");
        Files.writeString(config, """
                version: 0.1
                log:
                  level: error
                  accesslog:
                    disabled: true
                storage:
                  filesystem:
                    rootdirectory: %s
                  delete:
                    enabled: true
                http:
                  addr: 127.0.0.1:%d
                %s%s""".formatted(storage, port, tlsYaml, auth));
        Process p = new ProcessBuilder(BINARY.toString(), "serve", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
        String host = "127.0.0.1:" + port;
        RegistryServer server = new RegistryServer(storage, host, p);
        for (int i = 0; i < 100; i++) {
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create("http://" + host + "/v2/").toURL().openConnection();
                int code = c.getResponseCode();
                c.disconnect();
                // A TLS registry answers a plain-HTTP request with 400 "Client sent an HTTP request to an HTTPS server".
                if (code == 200 || code == 401 || (code == 400 && !tlsYaml.isEmpty())) {
                    return server;
                }
            } catch (IOException notYet) {
                // still starting
            }
            if (!p.isAlive()) {
                throw new IOException("docker-registry exited: " + Files.readString(dir.resolve("registry.log")));
            }
            Thread.sleep(100);
        }
        server.close();
        throw new IOException("docker-registry did not start on " + host);
    }

    /** The registry's on-disk copy of a blob (distribution's filesystem layout). */
    Path blobData(dev.vessel.image.store.Digest d) {
        return storage.resolve("docker/registry/v2/blobs/sha256").resolve(d.hex().substring(0, 2))
                .resolve(d.hex()).resolve("data");
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
