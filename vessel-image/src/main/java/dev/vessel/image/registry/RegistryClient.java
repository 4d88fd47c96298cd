package dev.vessel.image.registry;

import dev.vessel.image.oci.Descriptor;
import dev.vessel.image.oci.MediaTypes;
import dev.vessel.image.store.BlobStore;
import dev.vessel.image.store.BlobWriter;
import dev.vessel.image.store.Digest;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The distribution spec's endpoints on one registry: manifests, blobs, uploads, mounts. */
public final class RegistryClient {
    private static final int ATTEMPTS = 4;
    private static final long MAX_MANIFEST = 4 << 20;
    private final RegistryTransport t;

    public RegistryClient(RegistryTransport transport) {
        this.t = transport;
    }

    public String host() {
        return t.host();
    }

    static List<String> pull(String repo) {
        return List.of("repository:" + repo + ":pull");
    }

    static List<String> push(String repo) {
        return List.of("repository:" + repo + ":pull,push");
    }

    /** GET /v2/: checks reachability and credentials (what {@code login} does). */
    public void ping() throws IOException {
        var r = t.send("GET", t.uri("/v2/"), Map.of(), HttpRequest.BodyPublishers.noBody(), List.of());
        if (r.statusCode() != 200) {
            throw RegistryTransport.error("GET /v2/ on " + t.host(), r);
        }
        r.body().close();
    }

    /** A fetched manifest or index, verified against its digest. */
    public record FetchedManifest(String mediaType, byte[] bytes, Digest digest) {
    }

    public FetchedManifest manifest(String repo, String reference) throws IOException {
        var r = t.send("GET", t.uri("/v2/" + repo + "/manifests/" + reference),
                Map.of("Accept", MediaTypes.ACCEPT_MANIFESTS), HttpRequest.BodyPublishers.noBody(), pull(repo));
        if (r.statusCode() != 200) {
            throw RegistryTransport.error("manifest " + t.host() + "/" + repo + ":" + reference, r);
        }
        byte[] body;
        try (InputStream in = r.body()) {
            body = in.readNBytes((int) MAX_MANIFEST + 1);
        }
        if (body.length > MAX_MANIFEST) {
            throw new IOException("manifest " + repo + ":" + reference + " is larger than 4 MiB; refusing it");
        }
        Digest actual = Digest.of(body);
        Optional<String> header = r.headers().firstValue("Docker-Content-Digest");
        Digest expected = reference.startsWith("sha256:") ? Digest.parse(reference)
                : header.map(Digest::parse).orElse(actual);
        if (!expected.equals(actual)) {
            throw new IOException("manifest " + repo + ":" + reference + " hashes to " + actual + " but "
                    + expected + " was expected; refusing it");
        }
        String type = r.headers().firstValue("Content-Type").map(s -> s.split(";")[0].strip()).orElse("");
        if (!MediaTypes.isIndex(type) && !MediaTypes.isManifest(type)) {
            type = dev.vessel.image.oci.OciJson.mediaTypeOf(body, "manifest " + repo + ":" + reference);
        }
        return new FetchedManifest(type, body, actual);
    }

    public Digest putManifest(String repo, String reference, String mediaType, byte[] body) throws IOException {
        var r = t.send("PUT", t.uri("/v2/" + repo + "/manifests/" + reference), Map.of("Content-Type", mediaType),
                HttpRequest.BodyPublishers.ofByteArray(body), push(repo));
        if (r.statusCode() != 201) {
            throw RegistryTransport.error("pushing manifest " + repo + ":" + reference, r);
        }
        r.body().close();
        Digest d = Digest.of(body);
        Optional<String> echoed = r.headers().firstValue("Docker-Content-Digest");
        if (echoed.isPresent() && !echoed.get().equals(d.toString())) {
            throw new IOException("registry stored manifest " + repo + ":" + reference + " as " + echoed.get()
                    + " but we sent " + d);
        }
        return d;
    }

    public boolean blobExists(String repo, Digest d) throws IOException {
        var r = t.send("HEAD", t.uri("/v2/" + repo + "/blobs/" + d), Map.of(), HttpRequest.BodyPublishers.noBody(), pull(repo));
        r.body().close();
        return switch (r.statusCode()) {
            case 200 -> true;
            case 404 -> false;
            default -> throw new RegistryException("HEAD blob " + d + " in " + repo + ": HTTP " + r.statusCode(), r.statusCode());
        };
    }

    /**
     * Downloads a blob into the store, verifying its digest. Interrupted transfers are retried
     * and resumed from what is already on disk with an HTTP Range request.
     */
    public void fetchBlob(String repo, Descriptor desc, BlobStore store, Progress.Layer progress) throws IOException {
        Digest d = desc.blob();
        long limit = desc.size() > 0 ? desc.size() : Long.MAX_VALUE;
        IOException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try (BlobWriter w = store.writer(Optional.of(d), limit)) {
                if (w.alreadyStored()) {
                    return; // a concurrent pull of another image stored it while we waited
                }
                long offset = w.offset();
                var headers = offset > 0 && offset < limit ? Map.of("Range", "bytes=" + offset + "-") : Map.<String, String>of();
                var r = t.send("GET", t.uri("/v2/" + repo + "/blobs/" + d), headers, HttpRequest.BodyPublishers.noBody(), pull(repo));
                int s = r.statusCode();
                if (s == 206 && r.headers().firstValue("Content-Range").orElse("").startsWith("bytes " + offset + "-")) {
                    progress.startAt(offset);
                } else if (s == 200 || s == 416) {
                    w.restart(); // the server ignored or refused our range: start over
                    progress.startAt(0);
                    if (s == 416) {
                        r.body().close();
                        continue;
                    }
                } else {
                    RegistryException e = RegistryTransport.error("blob " + d + " of " + t.host() + "/" + repo, r);
                    if (s >= 400 && s < 500 && s != 408 && s != 429) {
                        throw e;
                    }
                    throw new IOException(e.getMessage(), e); // 5xx, 429: worth another attempt
                }
                try (InputStream in = r.body()) {
                    byte[] buf = new byte[1 << 16];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        w.write(buf, 0, n);
                        progress.add(n);
                    }
                }
                w.commit();
                return;
            } catch (RegistryException e) {
                throw e;
            } catch (IOException e) {
                last = e;
                if (e.getMessage() != null && e.getMessage().contains("does not match its digest")) {
                    if (attempt >= 2) {
                        break; // the registry keeps serving the wrong bytes: do not loop
                    }
                }
                sleep(attempt);
            }
        }
        throw new IOException("downloading blob " + d + " from " + t.host() + "/" + repo + " failed after "
                + ATTEMPTS + " attempts: " + (last == null ? "unknown error" : last.getMessage()), last);
    }

    private static void sleep(int attempt) throws IOException {
        try {
            Thread.sleep(200L * attempt * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Cross-repository mount; returns true if the registry mounted it, false if an upload is needed. */
    public boolean mount(String repo, Digest d, String fromRepo) throws IOException {
        List<String> scopes = List.of("repository:" + repo + ":pull,push", "repository:" + fromRepo + ":pull");
        var r = t.send("POST", t.uri("/v2/" + repo + "/blobs/uploads/?mount=" + d + "&from=" + fromRepo), Map.of(),
                HttpRequest.BodyPublishers.noBody(), scopes);
        r.body().close();
        if (r.statusCode() == 201) {
            return true;
        }
        if (r.statusCode() == 202) {
            // The registry opened an upload session instead; cancel it so it does not linger.
            r.headers().firstValue("Location").ifPresent(loc -> cancel(repo, t.resolve(t.uri("/"), loc)));
            return false;
        }
        throw new RegistryException("mounting blob " + d + " from " + fromRepo + " into " + repo + ": HTTP " + r.statusCode(), r.statusCode());
    }

    private void cancel(String repo, URI upload) {
        try {
            t.send("DELETE", upload, Map.of(), HttpRequest.BodyPublishers.noBody(), push(repo)).body().close();
        } catch (IOException ignored) {
            // an abandoned session expires on the registry; nothing else to do
        }
    }

    /**
     * Uploads a stored blob: one PUT when it fits in {@code chunkSize}, else PATCH chunks with
     * Content-Range followed by the closing PUT. The registry checks the digest itself.
     */
    public void upload(String repo, Digest d, Path file, long size, long chunkSize) throws IOException {
        upload(repo, d, file, size, chunkSize, n -> { });
    }

    /** As above, reporting bytes sent (after each chunk, or once for a single PUT). */
    public void upload(String repo, Digest d, Path file, long size, long chunkSize, java.util.function.LongConsumer sent)
            throws IOException {
        var start = t.send("POST", t.uri("/v2/" + repo + "/blobs/uploads/"), Map.of(), HttpRequest.BodyPublishers.noBody(), push(repo));
        if (start.statusCode() != 202) {
            throw RegistryTransport.error("starting the upload of " + d + " to " + repo, start);
        }
        start.body().close();
        URI location = location(start, t.uri("/"));
        if (size > chunkSize) {
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
                for (long off = 0; off < size; off += chunkSize) {
                    int len = (int) Math.min(chunkSize, size - off);
                    byte[] chunk = new byte[len];
                    raf.seek(off);
                    raf.readFully(chunk);
                    var r = t.send("PATCH", location, Map.of("Content-Type", "application/octet-stream",
                            "Content-Range", off + "-" + (off + len - 1)), HttpRequest.BodyPublishers.ofByteArray(chunk), push(repo));
                    if (r.statusCode() != 202) {
                        throw RegistryTransport.error("uploading bytes " + off + "-" + (off + len - 1) + " of " + d, r);
                    }
                    r.body().close();
                    location = location(r, location);
                    sent.accept(len);
                }
            }
            var done = t.send("PUT", withDigest(location, d), Map.of(), HttpRequest.BodyPublishers.noBody(), push(repo));
            expectCreated(done, d, repo);
        } else {
            var done = t.send("PUT", withDigest(location, d), Map.of("Content-Type", "application/octet-stream"),
                    HttpRequest.BodyPublishers.ofFile(file), push(repo));
            expectCreated(done, d, repo);
            sent.accept(size);
        }
    }

    private static void expectCreated(HttpResponse<InputStream> r, Digest d, String repo) throws IOException {
        if (r.statusCode() != 201) {
            throw RegistryTransport.error("completing the upload of " + d + " to " + repo, r);
        }
        r.body().close();
    }

    private URI location(HttpResponse<InputStream> r, URI base) throws IOException {
        String loc = r.headers().firstValue("Location").orElseThrow(() ->
                new IOException("registry " + t.host() + " sent no Location for the upload session"));
        return t.resolve(base, loc);
    }

    private static URI withDigest(URI location, Digest d) {
        String s = location.toString();
        return URI.create(s + (s.contains("?") ? "&" : "?") + "digest=" + d.toString().replace(":", "%3A"));
    }
}
