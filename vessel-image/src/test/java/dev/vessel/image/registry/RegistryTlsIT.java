package dev.vessel.image.registry;

import dev.vessel.image.Image;
import dev.vessel.image.ImageStore;
import dev.vessel.image.TestImages;
import dev.vessel.image.layer.TarBuilder;
import dev.vessel.image.oci.Platform;
import dev.vessel.image.ref.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * HTTPS registries: a CA and server certificates made by openssl, Debian's docker-registry
 * serving TLS on loopback. Verified connections trust the CA only through a certs.d directory;
 * insecure ones ({@code --tls-verify=false}) use HTTPS unverified and fall back to plain HTTP.
 * One registry requires client certificates from a CA of their own (mutual TLS,
 * {@code http.tls.clientcas}); the client presents {@code client.cert}/{@code client.key}
 * from the certs.d directory.
 */
@Tag("registry")
class RegistryTlsIT {
    @TempDir
    static Path shared;
    static RegistryServer tls;
    static RegistryServer wrongName;
    static RegistryServer plain;
    static RegistryServer mutual;
    static Path caCert;
    static TestPki pki;
    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(RegistryServer.available(), "needs /usr/bin/docker-registry (apt-get install docker-registry)");
        assumeTrue(TestPki.available(), "needs /usr/bin/openssl");
        pki = new TestPki(Files.createDirectories(shared.resolve("pki"))).ca("ca").ca("client-ca");
        caCert = pki.path("ca.crt");
        pki.ecKey("good").certificate("good", "127.0.0.1", "ca", "subjectAltName=IP:127.0.0.1,DNS:localhost");
        pki.ecKey("wrong").certificate("wrong", "wrong.example", "ca", "subjectAltName=DNS:wrong.example");
        // Client keys in the three forms openssl writes: PKCS#8, RSA PKCS#1 and EC SEC1.
        String client = "extendedKeyUsage=clientAuth";
        pki.ecKey("pkcs8").certificate("pkcs8", "vessel-client-pkcs8", "client-ca", client);
        pki.rsaKey("rsa8").traditional("rsa8", "pkcs1").certificate("pkcs1", "vessel-client-pkcs1", "client-ca", client);
        pki.ecKey("ec8").traditional("ec8", "sec1").certificate("sec1", "vessel-client-sec1", "client-ca", client);
        tls = RegistryServer.startTls(Files.createDirectories(shared.resolve("tls")),
                pki.path("good.crt"), pki.path("good.key"));
        wrongName = RegistryServer.startTls(Files.createDirectories(shared.resolve("wrong")),
                pki.path("wrong.crt"), pki.path("wrong.key"));
        plain = RegistryServer.start(Files.createDirectories(shared.resolve("plain")), null, null);
        mutual = RegistryServer.startTls(Files.createDirectories(shared.resolve("mutual")),
                pki.path("good.crt"), pki.path("good.key"), pki.path("client-ca.crt"));
    }

    @AfterAll
    static void stop() throws Exception {
        for (RegistryServer s : new RegistryServer[] {tls, wrongName, plain, mutual}) {
            if (s != null) {
                s.close();
            }
        }
    }

    /** Two certs.d bases, the CA (if any) of {@code host} in the second one: every base is read. */
    private RegistryTrust trust(String host, boolean withCa) throws IOException {
        return trust(host, withCa, null);
    }

    /** As {@link #trust(String, boolean)}, with {@code pair}'s certificate and key (if any) as client.cert and client.key. */
    private RegistryTrust trust(String host, boolean withCa, String pair) throws IOException {
        Path first = Files.createDirectories(dir.resolve("etc-vessel"));
        Path second = Files.createDirectories(dir.resolve("etc-containers"));
        Path hostDir = Files.createDirectories(second.resolve(host));
        if (withCa) {
            Files.copy(caCert, hostDir.resolve("my-ca.crt"));
        }
        if (pair != null) {
            Files.copy(pki.path(pair + ".crt"), hostDir.resolve("client.cert"));
            Files.copy(pki.path(pair + ".key"), hostDir.resolve("client.key"));
        }
        return new RegistryTrust(RegistryTrust.SYSTEM_BUNDLE, List.of(first, second));
    }

    private Registries registries(RegistryTrust trust, Set<String> insecure) {
        return new Registries(new DockerConfig(dir.resolve("config.json")), insecure, trust);
    }

    /** Pushes a one-layer image to {@code host} and pulls it into a fresh store; both must give the same image. */
    private void pushAndPull(String host, Registries registries, long seed) throws IOException {
        ImageStore local = new ImageStore(dir.resolve("local"));
        Image img = TestImages.build(local, "tls:1", List.of(
                new TarBuilder().file("etc/os-release", "ID=vessel-tls-" + seed, 0644).build()));
        Reference target = Reference.parse(host + "/tls/app:" + seed);
        assertEquals(img.manifestDigest(), new ImagePusher(local, registries, 64 * 1024)
                .push("tls:1", target, Progress.quiet()).manifest());
        Image pulled = new ImagePuller(new ImageStore(dir.resolve("fresh")), registries, 2)
                .pull(target, Platform.LINUX_AMD64, Progress.quiet());
        assertEquals(img.id(), pulled.id());
    }

    @Test
    void verifiedWithTheCaInCertsD() throws Exception {
        pushAndPull(tls.host, registries(trust(tls.host, true), Set.of()), 1);
    }

    @Test
    void verifiedWithoutTheCaFailsWithOneClearError() throws Exception {
        RegistryTrust noCa = trust(tls.host, false);
        IOException e = assertThrows(IOException.class, () -> registries(noCa, Set.of()).client(tls.host).ping());
        String m = e.getMessage();
        assertTrue(m.startsWith(tls.host + ": the TLS certificate of " + tls.host + " is not trusted"), m);
        assertTrue(m.contains(dir.resolve("etc-vessel").resolve(tls.host) + "/ca.crt"), m);
        assertTrue(m.contains("--tls-verify=false"), m);
    }

    @Test
    void insecureSpeaksHttpsWithoutTheCa() throws Exception {
        // The registry answers plain HTTP with 400, so a success here went over TLS.
        pushAndPull(tls.host, registries(trust(tls.host, false), Set.of(tls.host)), 3);
    }

    @Test
    void insecureFallsBackToPlainHttp() throws Exception {
        pushAndPull(plain.host, registries(trust(plain.host, false), Set.of(plain.host)), 4);
        IOException e = assertThrows(IOException.class,
                () -> registries(trust(plain.host, false), Set.of()).client(plain.host).ping());
        assertTrue(e.getMessage().startsWith(plain.host + ": TLS with " + plain.host + " failed"), e.getMessage());
        assertTrue(e.getMessage().contains("--tls-verify=false"), e.getMessage());
    }

    @Test
    void nothingListeningIsOneLineInBothModes() throws Exception {
        String host = "127.0.0.1:" + RegistryServer.freePort();
        for (Set<String> insecure : List.of(Set.<String>of(), Set.of(host))) {
            IOException e = assertThrows(IOException.class, () -> registries(trust(host, false), insecure).client(host).ping());
            assertEquals(host + ": cannot connect to " + host + " (connection refused): check the registry's address"
                    + " and that it is running", e.getMessage());
        }
    }

    @Test
    void aCertificateForAnotherNameFailsEvenWithTheCaButWorksInsecure() throws Exception {
        RegistryTrust withCa = trust(wrongName.host, true);
        IOException e = assertThrows(IOException.class, () -> registries(withCa, Set.of()).client(wrongName.host).ping());
        assertTrue(e.getMessage().contains("is not trusted"), e.getMessage());
        assertTrue(e.getMessage().contains("127.0.0.1"), e.getMessage());
        registries(withCa, Set.of(wrongName.host)).client(wrongName.host).ping();
        // The insecure client did not switch off host-name checks for verified ones in this JVM.
        assertThrows(IOException.class, () -> registries(withCa, Set.of()).client(wrongName.host).ping());
    }

    @ParameterizedTest
    @ValueSource(strings = {"pkcs8", "pkcs1", "sec1"})
    void mutualTlsWithTheClientCertificateInCertsD(String keyForm) throws Exception {
        pushAndPull(mutual.host, registries(trust(mutual.host, true, keyForm), Set.of()),
                10 + List.of("pkcs8", "pkcs1", "sec1").indexOf(keyForm));
    }

    @Test
    void insecureStillPresentsTheClientCertificate() throws Exception {
        pushAndPull(mutual.host, registries(trust(mutual.host, false, "pkcs8"), Set.of(mutual.host)), 20);
    }

    @Test
    void mutualTlsWithoutAClientCertificateIsRefusedClearly() throws Exception {
        RegistryTrust noClientCertificate = trust(mutual.host, true);
        for (Set<String> insecure : List.of(Set.<String>of(), Set.of(mutual.host))) {
            IOException e = assertThrows(IOException.class,
                    () -> registries(noClientCertificate, insecure).client(mutual.host).ping());
            assertTrue(e.getMessage().startsWith(mutual.host + ": the registry refused the connection without a client certificate"),
                    e.getMessage());
            assertTrue(e.getMessage().endsWith("put one and its key as client.cert and client.key in "
                    + dir.resolve("etc-vessel").resolve(mutual.host) + "/"), e.getMessage());
        }
    }

    /**
     * The refusal whose alert is lost: a TLS 1.3 server (the JDK's, with the registry's
     * certificate) that finishes the handshake, reads the request and closes the TCP
     * connection without an alert or close_notify, which is what the client sees when a
     * registry's alert is discarded by a reset. The server serves every connection so (the
     * HttpClient retries a GET once). Whether it asked for a client certificate decides the message.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aConnectionClosedAfterTheHandshakeIsARefusalOnlyIfTheServerAskedForACertificate(boolean asks) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("server", PrivateKeyPem.read(pki.path("good.key"), "EC"), new char[0],
                RegistryTrust.read(pki.path("good.crt")).toArray(X509Certificate[]::new));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        SSLContext server = SSLContext.getInstance("TLSv1.3");
        server.init(kmf.getKeyManagers(), null, null);
        try (ServerSocket listener = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
            Thread serve = Thread.ofVirtual().start(() -> {
                while (true) {
                    try (Socket tcp = listener.accept()) {
                        SSLSocket conn = (SSLSocket) server.getSocketFactory().createSocket(tcp, null, false);
                        conn.setUseClientMode(false);
                        conn.setWantClientAuth(asks);
                        conn.startHandshake();
                        conn.getInputStream().read();
                    } catch (IOException e) {
                        if (listener.isClosed()) {
                            return;
                        }
                    }
                }
            });
            String host = "127.0.0.1:" + listener.getLocalPort();
            IOException e = assertThrows(IOException.class,
                    () -> registries(trust(host, true), Set.of()).client(host).ping());
            listener.close();
            serve.join();
            String refusal = host + ": the registry refused the connection without a client certificate (it asked for one"
                    + " and closed the connection without an answer): put one and its key as client.cert and client.key in "
                    + dir.resolve("etc-vessel").resolve(host) + "/";
            assertEquals(asks ? refusal : "HTTP/1.1 header parser received no bytes", e.getMessage());
        }
    }

    @Test
    void aClientCertificateFromAnotherCaIsRefusedClearly() throws Exception {
        // "good" is a server certificate signed by the server CA, which the registry does not accept for clients.
        RegistryTrust serverCertificateAsClient = trust(mutual.host, true, "good");
        IOException e = assertThrows(IOException.class,
                () -> registries(serverCertificateAsClient, Set.of()).client(mutual.host).ping());
        assertTrue(e.getMessage().startsWith(mutual.host + ": the registry refused the client certificate"), e.getMessage());
    }

    @Test
    void aClientCertificateWithoutItsKeyIsOneLineNamingTheFile() throws Exception {
        RegistryTrust trust = trust(mutual.host, true);
        Path cert = dir.resolve("etc-containers").resolve(mutual.host).resolve("client.cert");
        Files.copy(pki.path("pkcs8.crt"), cert);
        IOException e = assertThrows(IOException.class, () -> registries(trust, Set.of()).client(mutual.host).ping());
        assertEquals("client certificate " + cert + " has no key " + cert.resolveSibling("client.key")
                + ": put its private key there, or rename a CA certificate to client.crt", e.getMessage());
    }
}
