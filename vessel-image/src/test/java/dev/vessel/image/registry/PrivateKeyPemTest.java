package dev.vessel.image.registry;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class PrivateKeyPemTest {
    @TempDir
    Path dir;
    TestPki pki;

    @BeforeEach
    void openssl() {
        assumeTrue(TestPki.available(), "needs /usr/bin/openssl to write keys as users have them");
        pki = new TestPki(dir);
    }

    private static String head(Path pem) throws IOException {
        return Files.readAllLines(pem).getFirst();
    }

    @Test
    void traditionalRsaAndEcKeysReadAsTheSameKeyAsTheirPkcs8Form() throws Exception {
        pki.rsaKey("rsa").traditional("rsa", "rsa1").ecKey("ec").traditional("ec", "sec1");
        assertEquals("-----BEGIN RSA PRIVATE KEY-----", head(pki.path("rsa1.key")));
        assertEquals("-----BEGIN EC PRIVATE KEY-----", head(pki.path("sec1.key")));
        assertEquals("-----BEGIN PRIVATE KEY-----", head(pki.path("rsa.key")));
        assertArrayEquals(PrivateKeyPem.read(pki.path("rsa.key"), "RSA").getEncoded(),
                PrivateKeyPem.read(pki.path("rsa1.key"), "RSA").getEncoded());
        // The JDK re-encodes EC keys in its own canonical PKCS#8, so compare the secret itself.
        assertEquals(((java.security.interfaces.ECPrivateKey) PrivateKeyPem.read(pki.path("ec.key"), "EC")).getS(),
                ((java.security.interfaces.ECPrivateKey) PrivateKeyPem.read(pki.path("sec1.key"), "EC")).getS());
    }

    @Test
    void textAroundThePemBlockIsIgnored() throws Exception {
        pki.ecKey("ec");
        Path noisy = pki.path("noisy.key");
        Files.writeString(noisy, "Bag Attributes\n  friendlyName: client\n" + Files.readString(pki.path("ec.key")));
        assertEquals("EC", PrivateKeyPem.read(noisy, "EC").getAlgorithm());
    }

    @Test
    void encryptedKeysAreRefusedWithTheCommandThatDecryptsThem() throws Exception {
        pki.ecKey("ec");
        pki.openssl("pkcs8", "-topk8", "-in", "ec.key", "-out", "enc8.key", "-passout", "pass:secret");
        pki.rsaKey("rsa");
        pki.openssl("rsa", "-in", "rsa.key", "-traditional", "-aes256", "-out", "enc1.key", "-passout", "pass:secret");
        for (String name : new String[] {"enc8.key", "enc1.key"}) {
            Path key = pki.path(name);
            IOException e = assertThrows(IOException.class, () -> PrivateKeyPem.read(key, "RSA"));
            assertTrue(e.getMessage().startsWith(key + " is encrypted with a passphrase"), e.getMessage());
            assertTrue(e.getMessage().contains("openssl pkcs8 -topk8 -nocrypt -in " + key), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void aFileWithoutAKeySaysWhatWasExpected() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.key"), "nothing here\n");
        IOException e = assertThrows(IOException.class, () -> PrivateKeyPem.read(empty, "EC"));
        assertTrue(e.getMessage().startsWith(empty + " holds no PEM private key"), e.getMessage());

        Path dsa = Files.writeString(dir.resolve("dsa.key"), "-----BEGIN DSA PRIVATE KEY-----\nAAAA\n-----END DSA PRIVATE KEY-----\n");
        e = assertThrows(IOException.class, () -> PrivateKeyPem.read(dsa, "DSA"));
        assertTrue(e.getMessage().startsWith(dsa + " holds a \"DSA PRIVATE KEY\""), e.getMessage());

        Path cut = Files.writeString(dir.resolve("cut.key"), "-----BEGIN PRIVATE KEY-----\nAAAA\n");
        e = assertThrows(IOException.class, () -> PrivateKeyPem.read(cut, "EC"));
        assertTrue(e.getMessage().contains("has no END line"), e.getMessage());
    }

    @Test
    void aKeyOfAnotherKindThanTheCertificateIsNamed() throws Exception {
        pki.ecKey("ec").traditional("ec", "sec1");
        for (String name : new String[] {"ec.key", "sec1.key"}) {
            Path key = pki.path(name);
            IOException e = assertThrows(IOException.class, () -> PrivateKeyPem.read(key, "RSA"));
            assertTrue(e.getMessage().startsWith(key + " is not a valid RSA private key"), e.getMessage());
        }
    }

    @Test
    void aSec1KeyWithoutItsPublicPartReadsButOneWithoutItsCurveIsRefused() throws Exception {
        pki.ecKey("ec");
        pki.openssl("ec", "-in", "ec.key", "-no_public", "-out", "bare.key");
        assertEquals("-----BEGIN EC PRIVATE KEY-----", head(pki.path("bare.key")));
        assertEquals("EC", PrivateKeyPem.read(pki.path("bare.key"), "EC").getAlgorithm());
        // SEQUENCE { INTEGER 1, OCTET STRING (32 bytes) } and nothing naming the curve.
        byte[] der = new byte[39];
        System.arraycopy(new byte[] {0x30, 0x25, 0x02, 0x01, 0x01, 0x04, 0x20}, 0, der, 0, 7);
        der[38] = 1;
        Path noCurve = Files.writeString(dir.resolve("nocurve.key"), "-----BEGIN EC PRIVATE KEY-----\n"
                + java.util.Base64.getEncoder().encodeToString(der) + "\n-----END EC PRIVATE KEY-----\n");
        IOException e = assertThrows(IOException.class, () -> PrivateKeyPem.read(noCurve, "EC"));
        assertTrue(e.getMessage().startsWith(noCurve + ": the EC PRIVATE KEY does not name its curve"), e.getMessage());
    }
}
