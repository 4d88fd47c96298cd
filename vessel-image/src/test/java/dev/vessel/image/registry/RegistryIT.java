package dev.vessel.image.registry;

import dev.vessel.image.Image;
import dev.vessel.image.ImageStore;
import dev.vessel.image.TestImages;
import dev.vessel.image.layer.TarBuilder;
import dev.vessel.image.oci.Descriptor;
import dev.vessel.image.oci.ImageConfig;
import dev.vessel.image.oci.Manifest;
import dev.vessel.image.oci.ManifestIndex;
import dev.vessel.image.oci.MediaTypes;
import dev.vessel.image.oci.OciJson;
import dev.vessel.image.oci.Platform;
import dev.vessel.image.ref.Reference;
import dev.vessel.image.store.BlobWriter;
import dev.vessel.image.store.Digest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Pull and push against a real registry (Debian's docker-registry) on loopback, no auth. */
@Tag("registry")
class RegistryIT {
    @TempDir
    static Path shared;
    static RegistryServer server;
    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(RegistryServer.available(), "needs /usr/bin/docker-registry (apt-get install docker-registry)");
        server = RegistryServer.start(shared, null, null);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private Registries registries() {
        return new Registries(new DockerConfig(dir.resolve("docker/config.json")), Set.of(server.host));
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private Image image(ImageStore store, String name, long seed) throws IOException {
        return TestImages.build(store, name, List.of(
                new TarBuilder().file("etc/os-release", "ID=vessel-test-" + seed, 0644).build(),
                new TarBuilder().file("bin/blob", random(300_000, seed), 0755, Map.of()).build(),
                new TarBuilder().file("etc/hostname", "h" + seed, 0644).build()));
    }

    @Test
    void pushThenPullGivesTheSameImageAndRepeatsSkipOrMount() throws Exception {
        ImageStore local = new ImageStore(dir.resolve("local"));
        Image img = image(local, "app:1", 1);
        Reference target = Reference.parse(server.host + "/team/app:1");
        // 64 KiB chunks: the 300 kB layer goes up in PATCH chunks, the small ones in one PUT.
        ImagePusher pusher = new ImagePusher(local, registries(), 64 * 1024);
        ImagePusher.Result first = pusher.push("app:1", target, Progress.quiet());
        assertEquals(img.manifestDigest(), first.manifest());
        assertEquals(4, first.uploaded().size(), "three layers and the config");

        ImagePusher.Result again = pusher.push("app:1", target, Progress.quiet());
        assertEquals(4, again.skipped().size(), "HEAD finds every blob");
        assertTrue(again.uploaded().isEmpty());

        ImagePusher.Result other = pusher.push("app:1", Reference.parse(server.host + "/other/copy:2"), Progress.quiet());
        assertEquals(4, other.mounted().size(), "cross-repository mounts instead of uploads");
        assertTrue(other.uploaded().isEmpty());

        ImageStore fresh = new ImageStore(dir.resolve("fresh"));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Image pulled;
        try (Progress progress = new Progress(new PrintStream(err, true))) {
            pulled = new ImagePuller(fresh, registries(), 3).pull(target, Platform.LINUX_AMD64, progress);
        }
        assertEquals(img.manifestDigest(), pulled.manifestDigest());
        assertEquals(img.id(), pulled.id());
        assertEquals(List.of(target.toString()), pulled.names());
        for (Descriptor l : pulled.manifest().layers()) {
            assertArrayEquals(local.blobs().read(l.blob()), fresh.blobs().read(l.blob()));
        }
        String lines = err.toString();
        assertTrue(lines.contains(img.manifest().layers().get(1).blob().shortId() + ": pulled"), lines);

        Image viaMount = new ImagePuller(new ImageStore(dir.resolve("third")), registries(), 2)
                .pull(Reference.parse(server.host + "/other/copy:2"), Platform.LINUX_AMD64, Progress.quiet());
        assertEquals(img.id(), viaMount.id());
    }

    @Test
    void anInterruptedDownloadResumesWithARangeRequest() throws Exception {
        ImageStore local = new ImageStore(dir.resolve("local"));
        Image img = image(local, "resume:1", 2);
        Reference target = Reference.parse(server.host + "/team/resume:1");
        new ImagePusher(local, registries(), ImagePusher.DEFAULT_CHUNK).push("resume:1", target, Progress.quiet());

        ImageStore fresh = new ImageStore(dir.resolve("fresh"));
        Descriptor big = img.manifest().layers().get(1);
        byte[] content = local.blobs().read(big.blob());
        int half = content.length / 2;
        try (BlobWriter w = fresh.blobs().writer(Optional.of(big.blob()), content.length)) {
            w.write(content, 0, half); // the "connection dropped" here: no commit
        }
        Progress progress = Progress.quiet();
        new ImagePuller(fresh, registries(), 1).pull(target, Platform.LINUX_AMD64, progress);
        Progress.Layer layer = progress.layers().stream().filter(l -> l.id().equals(big.blob().shortId()))
                .findFirst().orElseThrow();
        assertEquals(half, layer.resumedFrom());
        assertEquals(content.length - half, layer.transferred(), "only the missing half was downloaded");
        assertArrayEquals(content, fresh.blobs().read(big.blob()));
    }

    @Test
    void aConnectionCutMidBlobIsRetriedAndResumedWithRange() throws Exception {
        ImageStore local = new ImageStore(dir.resolve("local"));
        Image img = image(local, "cut:1", 5);
        new ImagePusher(local, registries(), ImagePusher.DEFAULT_CHUNK)
                .push("cut:1", Reference.parse(server.host + "/team/cut:1"), Progress.quiet());
        Descriptor big = img.manifest().layers().get(1);
        // A proxy that forwards to the registry but, the first time the big blob is asked for,
        // sends its headers and half of the body and then drops the connection.
        java.net.http.HttpClient upstream = java.net.http.HttpClient.newHttpClient();
        java.util.concurrent.atomic.AtomicInteger cuts = new java.util.concurrent.atomic.AtomicInteger();
        List<String> ranges = new java.util.concurrent.CopyOnWriteArrayList<>();
        var proxy = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        proxy.createContext("/", ex -> {
            try {
                var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://" + server.host + ex.getRequestURI()))
                        .method(ex.getRequestMethod(), java.net.http.HttpRequest.BodyPublishers.noBody());
                for (String h : List.of("Accept", "Range")) {
                    String v = ex.getRequestHeaders().getFirst(h);
                    if (v != null) {
                        req.header(h, v);
                    }
                }
                if (ex.getRequestHeaders().getFirst("Range") != null) {
                    ranges.add(ex.getRequestHeaders().getFirst("Range"));
                }
                var resp = upstream.send(req.build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
                resp.headers().map().forEach((k, v) -> {
                    if (!k.equalsIgnoreCase("content-length") && !k.equalsIgnoreCase("transfer-encoding") && !k.startsWith(":")) {
                        v.forEach(x -> ex.getResponseHeaders().add(k, x));
                    }
                });
                byte[] body = resp.body();
                boolean cut = ex.getRequestURI().getPath().endsWith(big.digest()) && cuts.getAndIncrement() == 0;
                ex.sendResponseHeaders(resp.statusCode(), body.length == 0 ? -1 : body.length);
                if (body.length > 0) {
                    ex.getResponseBody().write(body, 0, cut ? body.length / 2 : body.length);
                    ex.getResponseBody().flush();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                ex.close();
            }
        });
        proxy.start();
        try {
            String proxyHost = "127.0.0.1:" + proxy.getAddress().getPort();
            Registries viaProxy = new Registries(new DockerConfig(dir.resolve("p.json")), Set.of(proxyHost));
            ImageStore fresh = new ImageStore(dir.resolve("fresh"));
            Progress progress = Progress.quiet();
            Image pulled = new ImagePuller(fresh, viaProxy, 2)
                    .pull(Reference.parse(proxyHost + "/team/cut:1"), Platform.LINUX_AMD64, progress);
            assertEquals(img.id(), pulled.id());
            Progress.Layer layer = progress.layers().stream().filter(l -> l.id().equals(big.blob().shortId()))
                    .findFirst().orElseThrow();
            assertEquals(2, layer.attempts(), "one cut, one retry");
            assertTrue(layer.resumedFrom() > 0, "the retry resumed where the cut happened");
            assertEquals(1, ranges.size(), ranges.toString());
            assertEquals("bytes=" + layer.resumedFrom() + "-", ranges.getFirst());
            assertArrayEquals(local.blobs().read(big.blob()), fresh.blobs().read(big.blob()));
        } finally {
            proxy.stop(0);
        }
    }

    @Test
    void platformIsChosenFromAnIndex() throws Exception {
        ImageStore local = new ImageStore(dir.resolve("local"));
        String repo = "multi/arch";
        RegistryClient client = registries().client(server.host);
        List<Descriptor> entries = new java.util.ArrayList<>();
        for (String arch : List.of("amd64", "arm64")) {
            byte[] tar = new TarBuilder().file("arch", arch, 0644).build();
            Digest layer = local.blobs().put(tar);
            ImageConfig cfg = new ImageConfig(null, null, arch, "linux", null, null,
                    new ImageConfig.RootFs("layers", List.of(layer.toString())), null);
            byte[] cfgJson = OciJson.write(cfg);
            Digest cd = local.blobs().put(cfgJson);
            client.upload(repo, layer, local.blobs().path(layer), tar.length, 1 << 20);
            client.upload(repo, cd, local.blobs().path(cd), cfgJson.length, 1 << 20);
            byte[] m = OciJson.write(Manifest.oci(new Descriptor(MediaTypes.OCI_CONFIG, cd, cfgJson.length),
                    List.of(new Descriptor(MediaTypes.OCI_LAYER, layer, tar.length))));
            Digest md = client.putManifest(repo, Digest.of(m).toString(), MediaTypes.OCI_MANIFEST, m);
            entries.add(new Descriptor(MediaTypes.OCI_MANIFEST, md, m.length)
                    .withPlatform(new Platform(arch, "linux", null, null, null)));
        }
        byte[] index = OciJson.write(ManifestIndex.oci(entries));
        client.putManifest(repo, "latest", MediaTypes.OCI_INDEX, index);

        Reference ref = Reference.parse(server.host + "/" + repo);
        ImageStore a = new ImageStore(dir.resolve("a"));
        assertEquals("amd64", new ImagePuller(a, registries(), 2).pull(ref, Platform.LINUX_AMD64, Progress.quiet())
                .config().architecture());
        ImageStore b = new ImageStore(dir.resolve("b"));
        assertEquals("arm64", new ImagePuller(b, registries(), 2).pull(ref, Platform.parse("linux/arm64"), Progress.quiet())
                .config().architecture());
        IOException e = assertThrows(IOException.class, () -> new ImagePuller(new ImageStore(dir.resolve("c")),
                registries(), 2).pull(ref, Platform.parse("linux/s390x"), Progress.quiet()));
        assertTrue(e.getMessage().contains("available: linux/amd64, linux/arm64"), e.getMessage());
    }

    @Test
    void corruptBlobsInTheRegistryAreRejected() throws Exception {
        ImageStore local = new ImageStore(dir.resolve("local"));
        Image img = image(local, "bad:1", 3);
        Reference target = Reference.parse(server.host + "/team/bad:1");
        new ImagePusher(local, registries(), ImagePusher.DEFAULT_CHUNK).push("bad:1", target, Progress.quiet());
        Digest layer = img.manifest().layers().get(1).blob();
        Path data = server.blobData(layer);
        byte[] b = Files.readAllBytes(data);
        b[b.length / 2] ^= 1;
        Files.write(data, b); // same size, different content: only the digest check can tell

        ImageStore fresh = new ImageStore(dir.resolve("fresh"));
        IOException e = assertThrows(IOException.class, () ->
                new ImagePuller(fresh, registries(), 2).pull(target, Platform.LINUX_AMD64, Progress.quiet()));
        assertTrue(e.getMessage().contains("does not match its digest"), e.getMessage());
        assertFalse(fresh.blobs().exists(layer));
        assertTrue(fresh.list().isEmpty(), "no image is named after a failed pull");
    }

    @Test
    void redirectsToAnotherHostAreFollowed() throws Exception {
        ImageStore local = new ImageStore(dir.resolve("local"));
        Image img = image(local, "redir:1", 4);
        new ImagePusher(local, registries(), ImagePusher.DEFAULT_CHUNK)
                .push("redir:1", Reference.parse(server.host + "/team/redir:1"), Progress.quiet());
        // A front door that sends every request on to the real registry, as registries do with
        // blob storage (S3, a CDN): the client must follow, and on a different host without our credentials.
        var front = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        front.createContext("/", ex -> {
            seen.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath());
            ex.getResponseHeaders().add("Location", "http://" + server.host + ex.getRequestURI());
            ex.sendResponseHeaders(307, -1);
            ex.close();
        });
        front.start();
        try {
            String frontHost = "127.0.0.1:" + front.getAddress().getPort();
            Registries viaFront = new Registries(new DockerConfig(dir.resolve("f.json")), Set.of(frontHost, server.host));
            Image pulled = new ImagePuller(new ImageStore(dir.resolve("fresh")), viaFront, 2)
                    .pull(Reference.parse(frontHost + "/team/redir:1"), Platform.LINUX_AMD64, Progress.quiet());
            assertEquals(img.id(), pulled.id());
            assertTrue(seen.stream().anyMatch(x -> x.startsWith("GET /v2/team/redir/blobs/")), seen.toString());
        } finally {
            front.stop(0);
        }
    }

    @Test
    void errorsNameTheProblem() throws Exception {
        ImageStore fresh = new ImageStore(dir.resolve("fresh"));
        RegistryException e = assertThrows(RegistryException.class, () -> new ImagePuller(fresh, registries(), 1)
                .pull(Reference.parse(server.host + "/no/such:tag"), Platform.LINUX_AMD64, Progress.quiet()));
        assertEquals(404, e.status());
        assertTrue(e.getMessage().contains("MANIFEST_UNKNOWN") || e.getMessage().contains("NAME_UNKNOWN"), e.getMessage());

        // Plain HTTP only when asked: without the insecure flag the client speaks TLS and fails.
        Registries strict = new Registries(new DockerConfig(dir.resolve("c.json")), Set.of());
        assertThrows(IOException.class, () -> new ImagePuller(fresh, strict, 1)
                .pull(Reference.parse(server.host + "/no/such:tag"), Platform.LINUX_AMD64, Progress.quiet()));
    }
}
