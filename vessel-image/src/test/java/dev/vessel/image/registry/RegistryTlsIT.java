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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * HTTPS registries: a CA and server certificates made by openssl, Debian's docker-registry
 * serving TLS on loopback. Verified connections trust the CA only through a certs.d directory;
 * insecure ones ({@code --tls-verify=false}) use HTTPS unverified and fall back to plain HTTP.
 */
@Tag("registry")
class RegistryTlsIT {
    private static final Path OPENSSL = Path.of("/usr/bin/openssl");
    @TempDir
    static Path shared;
    static RegistryServer tls;
    static RegistryServer wrongName;
    static RegistryServer plain;
    static Path caCert;
    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(RegistryServer.available(), "needs /usr/bin/docker-registry (apt-get install docker-registry)");
        assumeTrue(Files.isExecutable(OPENSSL), "needs /usr/bin/openssl");
        Path pki = Files.createDirectories(shared.resolve("pki"));
        caCert = pki.resolve("ca.crt");
        openssl(pki, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=vessel-test-ca");
        serverCert(pki, "good", "127.0.0.1", "subjectAltName=IP:127.0.0.1,DNS:localhost");
        serverCert(pki, "wrong", "wrong.example", "subjectAltName=DNS:wrong.example");
        tls = RegistryServer.startTls(Files.createDirectories(shared.resolve("tls")),
                pki.resolve("good.crt"), pki.resolve("good.key"));
        wrongName = RegistryServer.startTls(Files.createDirectories(shared.resolve("wrong")),
                pki.resolve("wrong.crt"), pki.resolve("wrong.key"));
        plain = RegistryServer.start(Files.createDirectories(shared.resolve("plain")), null, null);
    }

    @AfterAll
    static void stop() throws Exception {
        for (RegistryServer s : new RegistryServer[] {tls, wrongName, plain}) {
            if (s != null) {
                s.close();
            }
        }
    }

    private static void serverCert(Path pki, String name, String cn, String san) throws Exception {
        openssl(pki, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + cn);
        Files.writeString(pki.resolve(name + ".ext"), san + "\n");
        openssl(pki, "x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", name + ".crt", "-days", "2", "-extfile", name + ".ext");
    }

    private static void openssl(Path cwd, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(OPENSSL.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "openssl " + String.join(" ", args) + ": " + out);
    }

    /** Two certs.d bases, the CA (if any) of {@code host} in the second one: every base is read. */
    private RegistryTrust trust(String host, boolean withCa) throws IOException {
        Path first = Files.createDirectories(dir.resolve("etc-vessel"));
        Path second = Files.createDirectories(dir.resolve("etc-containers"));
        if (withCa) {
            Path hostDir = Files.createDirectories(second.resolve(host));
            Files.copy(caCert, hostDir.resolve("my-ca.crt"));
            Files.writeString(hostDir.resolve("client.cert"), "not read: client certificates are not supported");
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
}
