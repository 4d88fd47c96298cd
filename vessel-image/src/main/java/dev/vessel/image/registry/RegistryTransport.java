package dev.vessel.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vessel.image.oci.OciJson;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HTTP to one registry, with the distribution spec's authentication dance: send, and on a 401
 * read the {@code WWW-Authenticate} challenge; for Basic resend with the stored credentials,
 * for Bearer fetch a token from the realm (service and scope as asked, with the credentials if
 * any, anonymous otherwise) and resend. Tokens are cached per scope. Redirects are followed by
 * hand so that credentials are never sent to another host (blob storage redirects to S3 and the like).
 */
public final class RegistryTransport {
    private static final int MAX_REDIRECTS = 5;
    private final String host;
    private final String base;
    private final Optional<Credential> credential;
    private final HttpClient http;
    private final Map<String, String> authByScope = new ConcurrentHashMap<>();

    public RegistryTransport(String host, boolean insecure, Optional<Credential> credential) {
        this.host = host;
        this.base = (insecure ? "http://" : "https://") + host;
        this.credential = credential;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30))
                .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1).build();
    }

    public String host() {
        return host;
    }

    public URI uri(String pathAndQuery) {
        return URI.create(pathAndQuery.startsWith("http://") || pathAndQuery.startsWith("https://")
                ? pathAndQuery : base + pathAndQuery);
    }

    /** Resolves a Location header (upload URLs may be relative) against the registry. */
    public URI resolve(URI from, String location) {
        return from.resolve(location);
    }

    /**
     * Sends a request, authenticating as needed. {@code scopes} are the token scopes the
     * operation needs, e.g. {@code repository:team/app:pull,push}.
     */
    public HttpResponse<InputStream> send(String method, URI uri, Map<String, String> headers,
                                          HttpRequest.BodyPublisher body, List<String> scopes) throws IOException {
        String scopeKey = String.join(" ", scopes);
        HttpResponse<InputStream> r = sendFollowing(method, uri, headers, body, authByScope.get(scopeKey));
        if (r.statusCode() != 401) {
            return r;
        }
        Optional<Challenge> ch = Challenge.parse(r.headers().firstValue("WWW-Authenticate").orElse(null));
        r.body().close();
        if (ch.isEmpty()) {
            throw new RegistryException(method + " " + uri + ": 401 Unauthorized without a WWW-Authenticate challenge", 401);
        }
        String auth = switch (ch.get().scheme()) {
            case "basic" -> credential.orElseThrow(() -> new RegistryException(host
                    + " requires a login (HTTP Basic): run `vessel login " + host + "`", 401)).basicHeader();
            case "bearer" -> "Bearer " + token(ch.get(), scopes);
            default -> throw new RegistryException(host + " asks for unsupported authentication \""
                    + ch.get().scheme() + "\"", 401);
        };
        authByScope.put(scopeKey, auth);
        r = sendFollowing(method, uri, headers, body, auth);
        if (r.statusCode() == 401) {
            r.body().close();
            throw new RegistryException(host + " rejected the credentials for " + method + " " + uri.getPath()
                    + (credential.isPresent() ? " (user \"" + credential.get().username() + "\"; check the password or run `vessel login "
                    + host + "` again)" : " (no credentials stored: run `vessel login " + host + "`)"), 401);
        }
        return r;
    }

    private HttpResponse<InputStream> sendFollowing(String method, URI uri, Map<String, String> headers,
                                                    HttpRequest.BodyPublisher body, String auth) throws IOException {
        URI current = uri;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder b = HttpRequest.newBuilder(current).method(method, body).timeout(Duration.ofMinutes(10));
            headers.forEach(b::header);
            boolean sameHost = current.getAuthority() != null && current.getAuthority().equals(uri(("/")).getAuthority());
            if (auth != null && sameHost) {
                b.header("Authorization", auth);
            }
            HttpResponse<InputStream> r;
            try {
                r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted: " + method + " " + current, e);
            }
            int s = r.statusCode();
            boolean redirect = (s == 301 || s == 302 || s == 303 || s == 307 || s == 308)
                    && (method.equals("GET") || method.equals("HEAD")) && r.headers().firstValue("Location").isPresent();
            if (!redirect) {
                return r;
            }
            r.body().close();
            current = current.resolve(r.headers().firstValue("Location").get());
        }
        throw new IOException(method + " " + uri + ": more than " + MAX_REDIRECTS + " redirects");
    }

    private String token(Challenge ch, List<String> scopes) throws IOException {
        String realm = ch.param("realm");
        if (realm == null) {
            throw new RegistryException(host + ": Bearer challenge without a realm", 401);
        }
        StringBuilder q = new StringBuilder(realm).append(realm.contains("?") ? "&" : "?");
        if (ch.param("service") != null) {
            q.append("service=").append(enc(ch.param("service"))).append('&');
        }
        java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>(scopes);
        if (ch.param("scope") != null) {
            all.addAll(List.of(ch.param("scope").split(" ")));
        }
        for (String s : all) {
            q.append("scope=").append(enc(s)).append('&');
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(q.substring(0, q.length() - 1))).GET()
                .timeout(Duration.ofMinutes(1));
        credential.ifPresent(c -> b.header("Authorization", c.basicHeader()));
        HttpResponse<byte[]> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching a token from " + realm, e);
        }
        if (r.statusCode() != 200) {
            throw new RegistryException("token server " + realm + " answered " + r.statusCode()
                    + (credential.isEmpty() ? " to an anonymous request (run `vessel login " + host + "`)" : " for user \""
                    + credential.get().username() + "\""), r.statusCode());
        }
        JsonNode n = OciJson.MAPPER.readTree(r.body());
        String token = n.hasNonNull("token") ? n.get("token").asText() : n.path("access_token").asText(null);
        if (token == null || token.isEmpty()) {
            throw new RegistryException("token server " + realm + " returned no token", 401);
        }
        return token;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Reads an error response into one line: status and the registry's {code, message} list. */
    public static RegistryException error(String what, HttpResponse<InputStream> r) throws IOException {
        byte[] body;
        try (InputStream in = r.body()) {
            body = in.readNBytes(64 * 1024);
        }
        StringBuilder msg = new StringBuilder(what).append(": HTTP ").append(r.statusCode());
        try {
            JsonNode n = OciJson.MAPPER.readTree(body);
            if (n != null && n.has("errors")) {
                for (JsonNode e : n.get("errors")) {
                    msg.append("; ").append(e.path("code").asText()).append(": ").append(e.path("message").asText());
                }
            }
        } catch (IOException notJson) {
            // plain-text or empty error bodies carry nothing more to report
        }
        return new RegistryException(msg.toString(), r.statusCode());
    }
}
