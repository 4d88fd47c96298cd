package dev.vessel.image.registry;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManager;
import javax.net.ssl.X509KeyManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ClientCertificatesTest {
    @TempDir
    Path dir;
    TestPki pki;
    Path host;

    @BeforeEach
    void pki() throws Exception {
        assumeTrue(TestPki.available(), "needs /usr/bin/openssl to make client certificates");
        pki = new TestPki(dir).ca("ca").ecKey("client").certificate("client", "vessel-client", "ca", "extendedKeyUsage=clientAuth");
        host = Files.createDirectories(dir.resolve("certs.d/reg.example"));
    }

    private void install(String name, String as) throws IOException {
        Files.copy(pki.path(name + ".crt"), host.resolve(as + ".cert"));
        Files.copy(pki.path(name + ".key"), host.resolve(as + ".key"));
    }

    @Test
    void noPairsOffersNothingButSeesTheServerAsk() throws IOException {
        Files.copy(pki.path("ca.crt"), host.resolve("ca.crt"));
        AtomicBoolean asked = new AtomicBoolean();
        X509KeyManager km = (X509KeyManager) ClientCertificates.keyManagers(List.of(host, dir.resolve("missing")), asked)[0];
        assertFalse(asked.get());
        assertNull(km.chooseClientAlias(new String[] {"EC", "RSA"}, null, null));
        assertTrue(asked.get());
        assertNull(km.getClientAliases("EC", null));
    }

    @Test
    void aPairIsOfferedWithItsCertificate() throws Exception {
        pki.rsaKey("other8").traditional("other8", "other").certificate("other", "vessel-other", "ca", "extendedKeyUsage=clientAuth");
        install("client", "client");
        install("other", "other");
        AtomicBoolean asked = new AtomicBoolean();
        KeyManager[] managers = ClientCertificates.keyManagers(List.of(host), asked);
        X509KeyManager km = (X509KeyManager) managers[0];
        assertEquals(1, managers.length);
        String ec = km.chooseClientAlias(new String[] {"EC"}, null, null);
        assertEquals("CN=vessel-client", km.getCertificateChain(ec)[0].getSubjectX500Principal().getName());
        String rsa = km.chooseClientAlias(new String[] {"RSA"}, null, null);
        assertEquals("CN=vessel-other", km.getCertificateChain(rsa)[0].getSubjectX500Principal().getName());
        assertTrue(asked.get());
        assertNull(km.chooseServerAlias("EC", null, null), "a client's key manager serves no one");
    }

    @Test
    void aCertificateWithoutItsKeyIsOneErrorNamingBoth() throws IOException {
        Files.copy(pki.path("client.crt"), host.resolve("client.cert"));
        IOException e = assertThrows(IOException.class, () -> ClientCertificates.keyManagers(List.of(host), new AtomicBoolean()));
        assertEquals("client certificate " + host.resolve("client.cert") + " has no key " + host.resolve("client.key")
                + ": put its private key there, or rename a CA certificate to client.crt", e.getMessage());
    }

    @Test
    void aKeyWithoutItsCertificateIsOneErrorNamingBoth() throws IOException {
        Files.copy(pki.path("client.key"), host.resolve("client.key"));
        IOException e = assertThrows(IOException.class, () -> ClientCertificates.keyManagers(List.of(host), new AtomicBoolean()));
        assertEquals("client key " + host.resolve("client.key") + " has no certificate " + host.resolve("client.cert")
                + ": put the client certificate there, or remove the key", e.getMessage());
    }

    @Test
    void aKeyFromAnotherPairIsRefused() throws Exception {
        pki.ecKey("stranger");
        Files.copy(pki.path("client.crt"), host.resolve("client.cert"));
        Files.copy(pki.path("stranger.key"), host.resolve("client.key"));
        IOException e = assertThrows(IOException.class, () -> ClientCertificates.keyManagers(List.of(host), new AtomicBoolean()));
        assertEquals("client key " + host.resolve("client.key") + " does not belong to certificate "
                + host.resolve("client.cert") + ": put the certificate's own key there", e.getMessage());
    }
}
