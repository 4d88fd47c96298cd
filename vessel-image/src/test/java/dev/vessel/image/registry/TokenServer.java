package dev.vessel.image.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vessel.image.oci.OciJson;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A token server for the registry's "token" auth (the Docker Hub scheme): it checks Basic
 * credentials, grants alice pull+push and anonymous users pull only, and signs an ES256 JWT
 * whose x5c header carries a self-signed certificate the registry trusts (rootcertbundle).
 */
final class TokenServer implements AutoCloseable {
    static final String SERVICE = "vessel-test-registry";
    static final String ISSUER = "vessel-test-issuer";
    final Path certificate;
    final List<String> requests = new CopyOnWriteArrayList<>();
    private final PrivateKey key;
    private final String certDer;
    private final HttpServer http;

    TokenServer(Path dir) throws Exception {
        Path keyPem = dir.resolve("key.pem");
        certificate = dir.resolve("cert.pem");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-keyout", keyPem.toString(), "-out", certificate.toString(), "-days", "1",
                "-subj", "/CN=vessel-test-token").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException("openssl failed: " + out);
        }
        key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pem(keyPem, "PRIVATE KEY")));
        certDer = Base64.getEncoder().encodeToString(pem(certificate, "CERTIFICATE"));
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/token", this::token);
        http.start();
    }

    String realm() {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/token";
    }

    private static byte[] pem(Path file, String type) throws IOException {
        String s = Files.readString(file);
        int a = s.indexOf("-----BEGIN " + type + "-----");
        int b = s.indexOf("-----END " + type + "-----");
        return Base64.getMimeDecoder().decode(s.substring(a + type.length() + 16, b));
    }

    private void token(HttpExchange ex) throws IOException {
        String query = ex.getRequestURI().getRawQuery();
        requests.add(query == null ? "" : URLDecoder.decode(query, StandardCharsets.UTF_8));
        String user = null;
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth != null) {
            String decoded = new String(Base64.getDecoder().decode(auth.substring(6)), StandardCharsets.UTF_8);
            if (!decoded.equals("alice:s3cret-pass")) {
                ex.sendResponseHeaders(401, -1);
                ex.close();
                return;
            }
            user = "alice";
        }
        List<Map<String, Object>> access = new ArrayList<>();
        for (String part : query == null ? new String[0] : query.split("&")) {
            if (!part.startsWith("scope=")) {
                continue;
            }
            String[] scope = URLDecoder.decode(part.substring(6), StandardCharsets.UTF_8).split(":");
            List<String> wanted = List.of(scope[2].split(","));
            boolean isAlice = "alice".equals(user);
            List<String> granted = wanted.stream().filter(a -> a.equals("pull") || isAlice).toList();
            access.add(Map.of("type", scope[0], "name", scope[1], "actions", granted));
        }
        long now = Instant.now().getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", ISSUER);
        claims.put("sub", user == null ? "" : user);
        claims.put("aud", SERVICE);
        claims.put("exp", now + 300);
        claims.put("nbf", now - 10);
        claims.put("iat", now);
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("access", access);
        String jwt;
        try {
            jwt = sign(Map.of("typ", "JWT", "alg", "ES256", "x5c", List.of(certDer)), claims);
        } catch (Exception e) {
            throw new IOException(e);
        }
        byte[] body = OciJson.write(Map.of("token", jwt, "expires_in", 300));
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(200, body.length);
        ex.getResponseBody().write(body);
        ex.close();
    }

    private String sign(Map<String, Object> header, Map<String, Object> claims) throws Exception {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String input = b64.encodeToString(OciJson.write(header)) + "." + b64.encodeToString(OciJson.write(claims));
        // JOSE wants the raw r||s form, which the P1363 variant produces.
        Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
        s.initSign(key);
        s.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + b64.encodeToString(s.sign());
    }

    String authYaml() {
        return """
                auth:
                  token:
                    realm: %s
                    service: %s
                    issuer: %s
                    rootcertbundle: %s
                """.formatted(realm(), SERVICE, ISSUER, certificate);
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
