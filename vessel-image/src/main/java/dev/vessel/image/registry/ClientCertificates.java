package dev.vessel.image.registry;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.TreeSet;

/**
 * The client certificates a registry connection presents (mutual TLS), kept as podman and
 * Docker keep them: {@code NAME.cert} (PEM, the certificate and any intermediates) beside its
 * key {@code NAME.key} in a registry's certs.d directory. A certificate without its key, or a
 * key without its certificate, is an error naming the file rather than something skipped: the
 * registry would otherwise refuse the handshake with nothing to say which file was wrong.
 */
final class ClientCertificates {
    private static final char[] NO_PASSWORD = new char[0];

    private ClientCertificates() {}

    /** Key managers holding every pair in {@code dirs} (those that exist), or null if there is none. */
    static KeyManager[] keyManagers(List<Path> dirs) throws IOException {
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            for (Path dir : dirs) {
                for (String name : pairNames(dir)) {
                    Path cert = dir.resolve(name + ".cert");
                    Path key = dir.resolve(name + ".key");
                    X509Certificate[] chain = chain(cert);
                    PrivateKey privateKey = PrivateKeyPem.read(key, chain[0].getPublicKey().getAlgorithm());
                    checkPair(cert, chain[0], key, privateKey);
                    keys.setKeyEntry(dir + "/" + name, privateKey, NO_PASSWORD, chain);
                }
            }
            if (keys.size() == 0) {
                return null;
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, NO_PASSWORD);
            return kmf.getKeyManagers();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot load the client certificates of " + dirs + ": " + e.getMessage(), e);
        }
    }

    /** The base names with both a .cert and a .key in {@code dir}; an unpaired file is an error. */
    private static TreeSet<String> pairNames(Path dir) throws IOException {
        TreeSet<String> certs = new TreeSet<>();
        TreeSet<String> keys = new TreeSet<>();
        if (!Files.isDirectory(dir)) {
            return certs;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.{cert,key}")) {
            for (Path f : files) {
                String file = f.getFileName().toString();
                int dot = file.lastIndexOf('.');
                (file.endsWith(".cert") ? certs : keys).add(file.substring(0, dot));
            }
        }
        for (String name : certs) {
            if (!keys.contains(name)) {
                throw new IOException("client certificate " + dir.resolve(name + ".cert") + " has no key "
                        + dir.resolve(name + ".key") + ": put its private key there, or rename a CA certificate to "
                        + name + ".crt");
            }
        }
        for (String name : keys) {
            if (!certs.contains(name)) {
                throw new IOException("client key " + dir.resolve(name + ".key") + " has no certificate "
                        + dir.resolve(name + ".cert") + ": put the client certificate there, or remove the key");
            }
        }
        return certs;
    }

    private static X509Certificate[] chain(Path pem) throws IOException, GeneralSecurityException {
        List<X509Certificate> certs = RegistryTrust.read(pem);
        if (certs.isEmpty()) {
            throw new IOException(pem + " holds no PEM certificate: put the client certificate there");
        }
        return certs.toArray(X509Certificate[]::new);
    }

    /**
     * Signs with the key and verifies with the certificate, as Go's tls.X509KeyPair compares
     * them: a key from another pair would otherwise fail only in the handshake, as a refusal
     * from the registry that names neither file.
     */
    private static void checkPair(Path certFile, X509Certificate cert, Path keyFile, PrivateKey key) throws IOException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "EdDSA", "Ed25519", "Ed448" -> key.getAlgorithm();
            default -> null; // RSASSA-PSS and rarer kinds need parameters; the handshake checks them
        };
        if (algorithm == null) {
            return;
        }
        try {
            byte[] probe = "vessel client certificate check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(cert.getPublicKey());
            verifier.update(probe);
            if (verifier.verify(signature)) {
                return;
            }
        } catch (GeneralSecurityException e) {
            // a key of another kind or curve than the certificate: the same mismatch as below
        }
        throw new IOException("client key " + keyFile + " does not belong to certificate " + certFile
                + ": put the certificate's own key there");
    }
}
