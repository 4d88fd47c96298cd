package dev.vessel.image.registry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Throwaway CAs, certificates and keys made by openssl, in the forms users bring. */
final class TestPki {
    static final Path OPENSSL = Path.of("/usr/bin/openssl");
    private static final String[] P256 = {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"};

    private final Path dir;

    TestPki(Path dir) {
        this.dir = dir;
    }

    static boolean available() {
        return Files.isExecutable(OPENSSL);
    }

    Path path(String file) {
        return dir.resolve(file);
    }

    /** A self-signed CA: NAME.crt and NAME.key. */
    TestPki ca(String name) throws Exception {
        openssl("req", "-x509", P256[0], P256[1], P256[2], P256[3], "-nodes", "-keyout", name + ".key",
                "-out", name + ".crt", "-days", "2", "-subj", "/CN=" + name);
        return this;
    }

    /** NAME.key, a fresh EC P-256 key in PKCS#8 (openssl 3's default for new keys). */
    TestPki ecKey(String name) throws Exception {
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-out", name + ".key");
        return this;
    }

    /** NAME.key, a fresh RSA key in PKCS#8. */
    TestPki rsaKey(String name) throws Exception {
        openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", name + ".key");
        return this;
    }

    /** TO.key: FROM.key rewritten in openssl's "traditional" form (PKCS#1 for RSA, SEC1 for EC). */
    TestPki traditional(String from, String to) throws Exception {
        openssl("pkey", "-in", from + ".key", "-traditional", "-out", to + ".key");
        return this;
    }

    /** NAME.crt for NAME.key, signed by CA, with these X.509v3 extensions (one per line). */
    TestPki certificate(String name, String cn, String ca, String extensions) throws Exception {
        openssl("req", "-new", "-key", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + cn);
        Files.writeString(dir.resolve(name + ".ext"), extensions + "\n");
        openssl("x509", "-req", "-in", name + ".csr", "-CA", ca + ".crt", "-CAkey", ca + ".key", "-CAcreateserial",
                "-out", name + ".crt", "-days", "2", "-extfile", name + ".ext");
        return this;
    }

    void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(OPENSSL.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "openssl " + String.join(" ", args) + ": " + out);
    }
}
