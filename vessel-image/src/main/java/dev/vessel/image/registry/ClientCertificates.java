package dev.vessel.image.registry;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;

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

    /**
     * A key manager holding every pair in {@code dirs} (those that exist), none if there is
     * none, that sets {@code asked} when a server asks for a client certificate. With TLS 1.3
     * the client's side of the handshake is over before the server has looked at what it was
     * given, so a registry that refuses it sends its alert after the client's first request, and
     * closes; the reset that the unread request causes can discard the alert before the client
     * reads it. Knowing that the registry asked is then what tells such a refusal from a dropped
     * connection.
     */
    static KeyManager[] keyManagers(List<Path> dirs, AtomicBoolean asked) throws IOException {
        return new KeyManager[] {new Watching(keyManager(dirs), asked)};
    }

    /** The key manager of every pair in {@code dirs}, or null if there is none. */
    private static X509ExtendedKeyManager keyManager(List<Path> dirs) throws IOException {
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
            return (X509ExtendedKeyManager) kmf.getKeyManagers()[0];
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

    /** Records that a server asked for a client certificate; hands out the pairs of {@code keys}, if any. */
    private static final class Watching extends X509ExtendedKeyManager {
        private final X509ExtendedKeyManager keys;
        private final AtomicBoolean asked;

        Watching(X509ExtendedKeyManager keys, AtomicBoolean asked) {
            this.keys = keys;
            this.asked = asked;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            asked.set(true);
            return keys == null ? null : keys.chooseEngineClientAlias(keyType, issuers, engine);
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            asked.set(true);
            return keys == null ? null : keys.chooseClientAlias(keyType, issuers, socket);
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return keys == null ? null : keys.getClientAliases(keyType, issuers);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return keys == null ? null : keys.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return keys == null ? null : keys.getPrivateKey(alias);
        }

        /** A client never serves. */
        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }
    }
}
