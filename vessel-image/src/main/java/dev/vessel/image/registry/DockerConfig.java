package dev.vessel.image.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vessel.image.oci.OciJson;
import dev.vessel.image.store.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;

/**
 * Credentials in Docker's {@code config.json} format ({@code "auths": {"host": {"auth":
 * base64(user:password)}}}), so {@code vessel login} and {@code docker login} share one file.
 * Other top-level keys (credHelpers, proxies, ...) are preserved when writing.
 */
public final class DockerConfig {
    private static final String HUB_KEY = "https://index.docker.io/v1/";
    private final Path file;

    public DockerConfig(Path file) {
        this.file = file;
    }

    /** $DOCKER_CONFIG/config.json, else ~/.docker/config.json, as the docker CLI looks it up. */
    public static DockerConfig defaultLocation() {
        String dir = System.getenv("DOCKER_CONFIG");
        Path base = dir != null ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".docker");
        return new DockerConfig(base.resolve("config.json"));
    }

    public Path file() {
        return file;
    }

    private ObjectNode read() throws IOException {
        if (!Files.exists(file)) {
            return OciJson.MAPPER.createObjectNode();
        }
        var n = OciJson.MAPPER.readTree(file.toFile());
        if (n == null || !n.isObject()) {
            throw new IOException(file + " is not a JSON object; fix or remove it");
        }
        return (ObjectNode) n;
    }

    private static String key(String host) {
        return host.equals("docker.io") || host.equals("registry-1.docker.io") ? HUB_KEY : host;
    }

    public Optional<Credential> lookup(String host) throws IOException {
        var auths = read().path("auths");
        for (String k : new String[]{key(host), "https://" + host, "http://" + host}) {
            var entry = auths.path(k);
            if (entry.isObject()) {
                if (entry.hasNonNull("auth")) {
                    String decoded = new String(Base64.getDecoder().decode(entry.get("auth").asText()), StandardCharsets.UTF_8);
                    int colon = decoded.indexOf(':');
                    if (colon < 0) {
                        throw new IOException(file + ": auths." + k + ".auth is not base64(user:password)");
                    }
                    return Optional.of(new Credential(decoded.substring(0, colon), decoded.substring(colon + 1)));
                }
                if (entry.hasNonNull("username") && entry.hasNonNull("password")) {
                    return Optional.of(new Credential(entry.get("username").asText(), entry.get("password").asText()));
                }
            }
        }
        return Optional.empty();
    }

    /** Stores credentials (file mode 0600, written atomically). */
    public void store(String host, Credential c) throws IOException {
        ObjectNode root = read();
        ObjectNode auths = root.has("auths") && root.get("auths").isObject() ? (ObjectNode) root.get("auths") : root.putObject("auths");
        ObjectNode entry = auths.putObject(key(host));
        entry.put("auth", Base64.getEncoder().encodeToString((c.username() + ":" + c.password()).getBytes(StandardCharsets.UTF_8)));
        AtomicFiles.write(file, OciJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root), true);
    }

    public boolean remove(String host) throws IOException {
        ObjectNode root = read();
        if (!(root.get("auths") instanceof ObjectNode auths) || auths.remove(key(host)) == null) {
            return false;
        }
        AtomicFiles.write(file, OciJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root), true);
        return true;
    }
}
