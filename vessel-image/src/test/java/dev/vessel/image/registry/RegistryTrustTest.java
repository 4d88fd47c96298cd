package dev.vessel.image.registry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;

class RegistryTrustTest {
    @TempDir
    Path dir;

    @Test
    void theErrorPointsAtPodmansDirectoryUnlessTheBasesAreOverridden() {
        assertEquals(Path.of("/etc/containers/certs.d/reg.example:5000"),
                new RegistryTrust(RegistryTrust.SYSTEM_BUNDLE, RegistryTrust.DEFAULT_DIRS).caDirFor("reg.example:5000"));
        assertEquals(dir.resolve("a/reg.example"),
                new RegistryTrust(RegistryTrust.SYSTEM_BUNDLE, List.of(dir.resolve("a"), dir.resolve("b"))).caDirFor("reg.example"));
        assertEquals(dir, RegistryTrust.certDir(dir).caDirFor("any.example"));
    }

    @Test
    void theDirsPropertyOverridesTheDefaults() {
        String before = System.getProperty(RegistryTrust.DIRS_PROPERTY);
        try {
            System.setProperty(RegistryTrust.DIRS_PROPERTY, dir.resolve("x") + ":" + dir.resolve("y"));
            assertEquals(dir.resolve("x/h"), RegistryTrust.system().caDirFor("h"));
            System.clearProperty(RegistryTrust.DIRS_PROPERTY);
            assertEquals(Path.of("/etc/containers/certs.d/h"), RegistryTrust.system().caDirFor("h"));
        } finally {
            if (before != null) {
                System.setProperty(RegistryTrust.DIRS_PROPERTY, before);
            }
        }
    }

    @Test
    void aCertDirThatIsNotADirectoryIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RegistryTrust.certDir(dir.resolve("missing")));
        assertTrue(e.getMessage().startsWith("--cert-dir: " + dir.resolve("missing") + " is not a directory"), e.getMessage());
    }

    @Test
    void aBrokenCrtFileIsNamed() throws IOException {
        Path crt = Files.createDirectories(dir.resolve("certs.d/reg.example")).resolve("ca.crt");
        Files.writeString(crt, "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n");
        RegistryTrust trust = new RegistryTrust(dir.resolve("no-bundle"), List.of(dir.resolve("certs.d")));
        IOException e = assertThrows(IOException.class, () -> trust.verifying("reg.example", new AtomicBoolean()));
        assertTrue(e.getMessage().startsWith(crt + " is not a PEM certificate file"), e.getMessage());
        // Without the system bundle the JDK's own CAs stand in, and other hosts are unaffected.
        assertNotNull(trust.verifying("other.example", new AtomicBoolean()));
    }

    @Test
    void theCertDirsClientKeysAreReadForEveryHostVerifiedOrNot() throws IOException {
        Path key = Files.writeString(dir.resolve("client.key"), "unused: its certificate is missing");
        RegistryTrust trust = RegistryTrust.certDir(dir);
        assertFalse(trust.hasClientCertificate("any.example"));
        for (org.junit.jupiter.api.function.Executable connect : List.<org.junit.jupiter.api.function.Executable>of(
                () -> trust.verifying("any.example", new AtomicBoolean()), () -> trust.unverified("other.example", new AtomicBoolean()))) {
            IOException e = assertThrows(IOException.class, connect);
            assertTrue(e.getMessage().startsWith("client key " + key + " has no certificate " + dir.resolve("client.cert")),
                    e.getMessage());
        }
        Files.writeString(dir.resolve("client.cert"), "");
        assertTrue(trust.hasClientCertificate("any.example"));
    }
}
