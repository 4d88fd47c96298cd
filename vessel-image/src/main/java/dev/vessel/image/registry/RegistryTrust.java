package dev.vessel.image.registry;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Which certificate authorities a registry connection trusts, laid out the way podman, skopeo
 * and Docker users already keep them: the system CA bundle (not the JDK's own cacerts, which
 * knows nothing of a CA the administrator installed) plus every {@code *.crt} in
 * {@code DIR/HOST[:PORT]/} of each certs.d directory. The client certificates there
 * ({@code NAME.cert} with {@code NAME.key}, see {@link ClientCertificates}) are presented to
 * the registry, verified or not.
 */
public final class RegistryTrust {
    /** Debian's and Ubuntu's bundle, kept current by update-ca-certificates. */
    public static final Path SYSTEM_BUNDLE = Path.of("/etc/ssl/certs/ca-certificates.crt");
    /** Overrides {@link #DEFAULT_DIRS}: a colon-separated list of certs.d directories. */
    public static final String DIRS_PROPERTY = "vessel.certs.dirs";
    public static final List<Path> DEFAULT_DIRS = List.of(Path.of("/etc/vessel/certs.d"),
            Path.of("/etc/containers/certs.d"), Path.of("/etc/docker/certs.d"));

    private final Path systemBundle;
    private final List<Path> certsDirs;
    /** podman's {@code --cert-dir}: one directory whose CAs apply to any host, in place of the certs.d lookup. */
    private final Path certDir;

    /** Trusts {@code systemBundle} and, for each host, the {@code *.crt} in {@code DIR/HOST[:PORT]/} of each of {@code certsDirs}. */
    public RegistryTrust(Path systemBundle, List<Path> certsDirs) {
        this(systemBundle, certsDirs, null);
    }

    private RegistryTrust(Path systemBundle, List<Path> certsDirs, Path certDir) {
        this.systemBundle = systemBundle;
        this.certsDirs = List.copyOf(certsDirs);
        this.certDir = certDir;
    }

    /** The system bundle plus the {@code *.crt} in {@code dir} (podman's {@code --cert-dir}), whatever the host. */
    public static RegistryTrust certDir(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--cert-dir: " + dir + " is not a directory (give the directory that holds the registry's ca.crt)");
        }
        return new RegistryTrust(SYSTEM_BUNDLE, List.of(), dir);
    }

    /** The system bundle and the certs.d directories, or those of {@value #DIRS_PROPERTY}. */
    public static RegistryTrust system() {
        String dirs = System.getProperty(DIRS_PROPERTY);
        return new RegistryTrust(SYSTEM_BUNDLE, dirs == null || dirs.isBlank() ? DEFAULT_DIRS
                : Arrays.stream(dirs.split(":")).filter(s -> !s.isBlank()).map(Path::of).toList());
    }

    /** Where to tell the user to put the CA of {@code host}: podman's directory, the one most tools share. */
    public Path caDirFor(String host) {
        if (certDir != null) {
            return certDir;
        }
        Path containers = DEFAULT_DIRS.get(1);
        return (certsDirs.contains(containers) || certsDirs.isEmpty() ? containers : certsDirs.getFirst()).resolve(host);
    }

    /**
     * An SSL context that verifies {@code host}'s chain against the system bundle and its certs.d
     * CAs, and presents its client certificates if it has any; {@code askedForClientCertificate}
     * is set when the registry asks for one.
     */
    public SSLContext verifying(String host, AtomicBoolean askedForClientCertificate) throws IOException {
        try {
            KeyStore anchors = KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            List<X509Certificate> certs = new ArrayList<>();
            if (Files.isRegularFile(systemBundle)) {
                certs.addAll(read(systemBundle));
            } else {
                certs.addAll(Arrays.asList(jdkDefault().getAcceptedIssuers()));
            }
            for (Path hostDir : hostDirs(host)) {
                if (!Files.isDirectory(hostDir)) {
                    continue;
                }
                try (DirectoryStream<Path> crts = Files.newDirectoryStream(hostDir, "*.crt")) {
                    for (Path crt : crts) {
                        certs.addAll(read(crt));
                    }
                }
            }
            for (int i = 0; i < certs.size(); i++) {
                anchors.setCertificateEntry("ca-" + i, certs.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(anchors);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(ClientCertificates.keyManagers(hostDirs(host), askedForClientCertificate), tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot build the trusted CAs for " + host + ": " + e.getMessage(), e);
        }
    }

    /**
     * An SSL context that accepts any certificate under any name ({@code --tls-verify=false}),
     * still presenting {@code host}'s client certificates: as with containers-image, skipping
     * verification of the registry does not mean the registry stops asking who the client is.
     * The trust manager must be an X509ExtendedTrustManager: the JDK wraps a plain
     * X509TrustManager in one that still checks the host name (the HttpClient always asks for
     * endpoint identification "HTTPS"), whereas an extended one is trusted to have done it.
     * This keeps the verified client verifying, unlike the process-wide
     * jdk.internal.httpclient.disableHostnameVerification property.
     */
    public SSLContext unverified(String host, AtomicBoolean askedForClientCertificate) throws IOException {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(ClientCertificates.keyManagers(hostDirs(host), askedForClientCertificate), new TrustManager[] {new AcceptAll()}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS without verification: " + e.getMessage(), e);
        }
    }

    /** Whether a connection to {@code host} presents a client certificate ({@code *.cert} in its directories). */
    public boolean hasClientCertificate(String host) throws IOException {
        for (Path hostDir : hostDirs(host)) {
            if (Files.isDirectory(hostDir)) {
                try (DirectoryStream<Path> certs = Files.newDirectoryStream(hostDir, "*.cert")) {
                    if (certs.iterator().hasNext()) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** The directories that hold {@code host}'s CAs and client certificates. */
    private List<Path> hostDirs(String host) {
        return certDir != null ? List.of(certDir) : certsDirs.stream().map(d -> d.resolve(host)).toList();
    }

    /** The certificates of a PEM file, CAs or a client chain; an unreadable file is an error naming it. */
    static List<X509Certificate> read(Path pem) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pem)) {
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                out.add((X509Certificate) c);
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IOException(pem + " is not a PEM certificate file (" + e.getMessage()
                    + "): fix or remove it", e);
        }
    }

    private static X509TrustManager jdkDefault() throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("the JDK has no default X509 trust manager");
    }

    private static final class AcceptAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
