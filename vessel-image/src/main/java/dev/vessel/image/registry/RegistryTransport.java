package dev.vessel.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vessel.image.oci.OciJson;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * HTTP to one registry, with the distribution spec's authentication dance: send, and on a 401
 * read the {@code WWW-Authenticate} challenge; for Basic resend with the stored credentials,
 * for Bearer fetch a token from the realm (service and scope as asked, with the credentials if
 * any, anonymous otherwise) and resend. Tokens are cached per scope. Redirects are followed by
 * hand so that credentials are never sent to another host (blob storage redirects to S3 and the like).
 */
public final class RegistryTransport {
    private static final int MAX_REDIRECTS = 5;
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);
    private final String host;
    private final boolean insecure;
    private final RegistryTrust trust;
    private final Optional<Credential> credential;
    private final Map<String, String> authByScope = new ConcurrentHashMap<>();
    private HttpClient verified;
    private HttpClient unverified;
    /** An insecure registry failed the TLS probe: talk http:// to it from now on. */
    private volatile boolean plainHttp;
    /** An insecure registry passed the TLS probe: a later TLS failure is an error, never a reason to drop TLS. */
    private volatile boolean tlsWorked;
    /** The registry asked for a client certificate in a TLS handshake (set by the key manager). */
    private final AtomicBoolean askedForClientCertificate = new AtomicBoolean();

    public RegistryTransport(String host, boolean insecure, Optional<Credential> credential) {
        this(host, insecure, credential, RegistryTrust.system());
    }

    /**
     * {@code insecure} is podman's {@code --tls-verify=false}: HTTPS without checking the
     * certificate, and plain HTTP if the registry does not speak TLS. Otherwise HTTPS only,
     * verified against {@code trust}.
     */
    public RegistryTransport(String host, boolean insecure, Optional<Credential> credential, RegistryTrust trust) {
        this.host = host;
        this.insecure = insecure;
        this.credential = credential;
        this.trust = trust;
    }

    public String host() {
        return host;
    }

    public URI uri(String pathAndQuery) {
        return URI.create(pathAndQuery.startsWith("http://") || pathAndQuery.startsWith("https://")
                ? pathAndQuery : (plainHttp ? "http://" : "https://") + host + pathAndQuery);
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
            HttpResponse<InputStream> r = exchange(b.build(), HttpResponse.BodyHandlers.ofInputStream());
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
        HttpResponse<byte[]> r = exchange(b.build(), HttpResponse.BodyHandlers.ofByteArray());
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

    /**
     * One HTTP exchange over the client this registry calls for. An insecure registry is first
     * probed for TLS (see {@link #probeTls}); once it is known to serve plain HTTP, requests
     * to it that were built as https:// (upload locations, redirects) go over http://.
     */
    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException {
        URI u = request.uri();
        boolean ownHttps = "https".equals(u.getScheme()) && host.equals(u.getAuthority());
        if (insecure && ownHttps && !plainHttp && !tlsWorked) {
            probeTls();
        }
        if (ownHttps && plainHttp) {
            return exchange(toPlainHttp(request), handler);
        }
        try {
            return client().send(request, handler);
        } catch (SSLException e) {
            throw tlsFailure(u, e);
        } catch (ConnectException e) {
            throw unreachable(u, e);
        } catch (IOException e) {
            throw closedAfterClientCertificateRequest(u, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + request.method() + " " + u, e);
        }
    }

    /**
     * Decides, once, whether an insecure registry speaks TLS, as containers-image does: GET /v2/
     * over HTTPS; any HTTP answer means yes. A TLS failure means it serves plain HTTP (a Go
     * server answers the hello with "HTTP/1.0 400", others hang up), and so does a handshake
     * that does not finish within {@link #PROBE_TIMEOUT} (some servers wait for a line that a
     * TLS hello never ends): the transport then stays on http:// for the rest of the operation.
     */
    private synchronized void probeTls() throws IOException {
        if (plainHttp || tlsWorked) {
            return;
        }
        HttpRequest probe = HttpRequest.newBuilder(URI.create("https://" + host + "/v2/")).GET()
                .timeout(PROBE_TIMEOUT).build();
        try {
            client().send(probe, HttpResponse.BodyHandlers.discarding());
            tlsWorked = true;
        } catch (SSLException e) {
            if (refusedClientCertificate(e)) {
                throw tlsFailure(probe.uri(), e);
            }
            plainHttp = true;
        } catch (HttpTimeoutException notTls) {
            plainHttp = true;
        } catch (ConnectException e) {
            throw unreachable(probe.uri(), e);
        } catch (IOException e) {
            throw closedAfterClientCertificateRequest(probe.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: probing " + host + " for TLS", e);
        }
    }

    private static HttpRequest toPlainHttp(HttpRequest request) {
        URI u = request.uri();
        return HttpRequest.newBuilder(request, (name, value) -> true)
                .uri(URI.create("http" + u.toString().substring("https".length()))).build();
    }

    /**
     * The HttpClient's ConnectException has no message when the connection is refused (its
     * cause is a bare ClosedChannelException); other failures say why somewhere in the chain.
     */
    private IOException unreachable(URI u, ConnectException e) {
        String why = "connection refused";
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                why = t.getMessage();
                break;
            }
        }
        return new IOException(host + ": cannot connect to " + u.getAuthority() + " (" + why
                + "): check the registry's address and that it is running", e);
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage();
    }

    /**
     * The registry's answer to a missing or unaccepted client certificate: docker-registry 2.8
     * (Go's crypto/tls) sends a "bad_certificate" alert; "certificate_required" is TLS 1.3's
     * alert for a missing one, which other servers send. Only a TLS server sends an alert, so
     * this also tells the TLS probe that the registry does speak TLS.
     */
    private static boolean refusedClientCertificate(SSLException e) {
        String m = e.getMessage();
        return m != null && (m.contains("fatal alert: bad_certificate") || m.contains("fatal alert: certificate_required"));
    }

    private IOException tlsFailure(URI u, SSLException e) throws IOException {
        if (refusedClientCertificate(e)) {
            return clientCertificateRefused(e.getMessage(), e);
        }
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof CertificateException) {
                return new IOException(host + ": the TLS certificate of " + u.getAuthority() + " is not trusted ("
                        + rootMessage(c) + "): put the registry's CA certificate in " + trust.caDirFor(host)
                        + "/ca.crt, or use --tls-verify=false", e);
            }
        }
        return new IOException(host + ": TLS with " + u.getAuthority() + " failed (" + e.getMessage()
                + "); if the registry serves plain HTTP, use --tls-verify=false", e);
    }

    /**
     * A TLS 1.3 registry that refuses the client's certificate (or its lack of one) does so
     * after the client has sent its request; when the connection then closes without a byte of
     * answer, the alert saying why may have been lost with it (see {@link
     * ClientCertificates#keyManagers}). If the registry had asked for a certificate, that is the
     * refusal; any other failure is {@code e} as it was.
     */
    private IOException closedAfterClientCertificateRequest(URI u, IOException e) throws IOException {
        String m = String.valueOf(e.getMessage());
        boolean closedUnanswered = e instanceof EOFException || m.contains("received no bytes")
                || m.contains("Connection reset");
        if ("https".equals(u.getScheme()) && closedUnanswered && askedForClientCertificate.get()) {
            return clientCertificateRefused("it asked for one and closed the connection without an answer", e);
        }
        return e;
    }

    private IOException clientCertificateRefused(String why, IOException e) throws IOException {
        return new IOException(host + (trust.hasClientCertificate(host)
                ? ": the registry refused the client certificate (" + why
                + "): check that the registry trusts the CA that signed the client .cert for " + host
                : ": the registry refused the connection without a client certificate (" + why
                + "): put one and its key as client.cert and client.key in " + trust.caDirFor(host) + "/"), e);
    }

    /** The verifying client, or for an insecure registry the one that accepts any certificate; each made on first use. */
    private synchronized HttpClient client() throws IOException {
        if (insecure) {
            if (unverified == null) {
                unverified = newClient(trust.unverified(host, askedForClientCertificate));
            }
            return unverified;
        }
        if (verified == null) {
            verified = newClient(trust.verifying(host, askedForClientCertificate));
        }
        return verified;
    }

    private static HttpClient newClient(SSLContext tls) {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).sslContext(tls)
                .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1).build();
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
