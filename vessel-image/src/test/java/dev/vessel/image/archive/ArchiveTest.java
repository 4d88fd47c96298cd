package dev.vessel.image.archive;

import dev.vessel.image.DiskUsage;
import dev.vessel.image.Image;
import dev.vessel.image.ImageNotFoundException;
import dev.vessel.image.ImageStore;
import dev.vessel.image.ImageSummary;
import dev.vessel.image.layer.Compression;
import dev.vessel.image.layer.TarBuilder;
import dev.vessel.image.oci.ImageConfig;
import dev.vessel.image.oci.MediaTypes;
import dev.vessel.image.oci.OciJson;
import dev.vessel.image.oci.Platform;
import dev.vessel.image.store.Digest;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

class ArchiveTest {
    @TempDir
    Path dir;
    private static final long MAX = 1L << 30;
    private static final ImageConfig.Config RUN = new ImageConfig.Config(null, null, List.of("PATH=/bin"), null,
            List.of("/bin/sh"), null, "/", null, null);

    private static byte[] rootfs(String marker) {
        return new TarBuilder().dir("bin", 0755).file("bin/hello", marker, 0755).build();
    }

    /** A docker-archive shaped as `docker save` writes it, with a repeated layer stored as a symlink. */
    private static byte[] dockerSave(byte[] layer1, byte[] layer2) throws IOException {
        String d1 = Digest.of(layer1).hex();
        String d2 = Digest.of(layer2).hex();
        String config = """
                {"architecture":"amd64","os":"linux","config":{"Cmd":["/bin/hello"]},
                 "rootfs":{"type":"layers","diff_ids":["sha256:%s","sha256:%s","sha256:%s"]},
                 "history":[{"created_by":"a"},{"created_by":"b"},{"created_by":"c"}]}""".formatted(d1, d2, d1);
        String configName = Digest.of(config.getBytes()).hex() + ".json";
        String manifest = """
                [{"Config":"%s","RepoTags":["hello:1","example.com/team/hello:latest"],
                  "Layers":["aaa/layer.tar","bbb/layer.tar","ccc/layer.tar"]}]""".formatted(configName);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(out)) {
            put(t, configName, config.getBytes());
            put(t, "aaa/layer.tar", layer1);
            put(t, "bbb/layer.tar", layer2);
            TarArchiveEntry link = new TarArchiveEntry("ccc/layer.tar", TarConstants.LF_SYMLINK);
            link.setLinkName("../aaa/layer.tar");
            t.putArchiveEntry(link);
            t.closeArchiveEntry();
            put(t, "manifest.json", manifest.getBytes());
            put(t, "repositories", "{\"hello\":{\"1\":\"ccc\"}}".getBytes());
        }
        return out.toByteArray();
    }

    private static void put(TarArchiveOutputStream t, String name, byte[] content) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(content.length);
        t.putArchiveEntry(e);
        t.write(content);
        t.closeArchiveEntry();
    }

    @Test
    void loadsADockerSaveArchiveAndRoundTripsItThroughBothFormats() throws IOException {
        ImageStore store = new ImageStore(dir.resolve("a"));
        byte[] l1 = rootfs("one");
        byte[] l2 = rootfs("two");
        List<LoadedImage> loaded = DockerArchive.load(new ByteArrayInputStream(dockerSave(l1, l2)), store, MAX);
        assertEquals(List.of("hello:1", "example.com/team/hello:latest"), loaded.getFirst().names());
        Image img = store.resolve("hello:1");
        assertEquals(img, store.resolve("example.com/team/hello"));
        assertEquals(List.of("/bin/hello"), img.config().config().cmd());
        assertEquals(3, img.manifest().layers().size());
        assertEquals(MediaTypes.OCI_LAYER, img.manifest().layers().getFirst().mediaType());
        assertEquals(store.resolve(img.id().hex().substring(0, 12)), img, "found by short id");

        // docker-archive out and into a fresh store: identical config and layers.
        ByteArrayOutputStream saved = new ByteArrayOutputStream();
        DockerArchive.save(List.of("hello:1"), store, saved);
        ImageStore other = new ImageStore(dir.resolve("b"));
        DockerArchive.load(new ByteArrayInputStream(saved.toByteArray()), other, MAX);
        Image back = other.resolve("hello:1");
        assertEquals(img.id(), back.id());
        assertEquals(img.manifest().layers(), back.manifest().layers());
        assertTrue(other.find("example.com/team/hello").isEmpty(), "saving by name exports only that name");
        List<String> members = members(saved.toByteArray());
        assertEquals(List.of(img.id().hex() + ".json", Digest.of(l1).hex() + "/layer.tar",
                Digest.of(l2).hex() + "/layer.tar", "manifest.json", "repositories"), members);

        // oci-archive out and in.
        ByteArrayOutputStream oci = new ByteArrayOutputStream();
        OciArchive.save(List.of(img.id().toString()), store, oci);
        ImageStore third = new ImageStore(dir.resolve("c"));
        List<LoadedImage> l = OciArchive.loadTar(new ByteArrayInputStream(oci.toByteArray()), third, Optional.empty(),
                Platform.LINUX_AMD64, MAX);
        assertEquals(2, l.size(), "one index entry per name");
        assertEquals(img.manifestDigest(), third.resolve("example.com/team/hello:latest").manifestDigest());
        assertTrue(members(oci.toByteArray()).containsAll(List.of("oci-layout", "index.json",
                "blobs/sha256/" + img.manifestDigest().hex())));
    }

    @Test
    void saveDecompressesLayersSoDockerArchiveLayersAreTars() throws IOException {
        ImageStore store = new ImageStore(dir.resolve("s"));
        byte[] tar = rootfs("gz");
        RootfsImport.importTar(new ByteArrayInputStream(TarBuilder.compress(Compression.GZIP, tar)),
                Optional.of("local/gz:1"), RUN, store, MAX);
        Image img = store.resolve("local/gz:1");
        assertEquals(MediaTypes.OCI_LAYER_GZIP, img.manifest().layers().getFirst().mediaType());
        assertEquals(Digest.of(tar), img.diffIds().getFirst());
        ByteArrayOutputStream saved = new ByteArrayOutputStream();
        DockerArchive.save(List.of("local/gz:1"), store, saved);
        assertTrue(members(saved.toByteArray()).contains(Digest.of(tar).hex() + "/layer.tar"));
        ImageStore other = new ImageStore(dir.resolve("o"));
        DockerArchive.load(new ByteArrayInputStream(saved.toByteArray()), other, MAX);
        assertEquals(img.id(), other.resolve("local/gz:1").id());
    }

    @Test
    void importMakesAOneLayerImageWithTheGivenDefaults() throws IOException {
        ImageStore store = new ImageStore(dir);
        byte[] tar = rootfs("zst");
        LoadedImage li = RootfsImport.importTar(new ByteArrayInputStream(TarBuilder.compress(Compression.ZSTD, tar)),
                Optional.of("myroot"), RUN, store, MAX);
        assertEquals(List.of("myroot:latest"), li.names());
        Image img = store.resolve("myroot");
        assertEquals(List.of("/bin/sh"), img.config().config().cmd());
        assertEquals("linux/amd64", img.config().platform().toString());
        assertEquals(MediaTypes.OCI_LAYER_ZSTD, img.manifest().layers().getFirst().mediaType());
        IOException e = assertThrows(IOException.class, () -> RootfsImport.importTar(
                new ByteArrayInputStream("not a tar at all".getBytes()), Optional.of("bad"), RUN, store, MAX));
        assertNotNull(e.getMessage());
        assertTrue(store.find("bad").isEmpty());
    }

    @Test
    void lsTagRmPruneAndDf() throws IOException {
        ImageStore store = new ImageStore(dir);
        RootfsImport.importTar(new ByteArrayInputStream(rootfs("a")), Optional.of("app:1"), RUN, store, MAX);
        RootfsImport.importTar(new ByteArrayInputStream(rootfs("b")), Optional.of("other:1"), RUN, store, MAX);
        store.tag("app:1", "registry.local:5000/app:prod");
        List<ImageSummary> ls = store.list();
        assertEquals(2, ls.size());
        assertEquals(List.of("app:1", "registry.local:5000/app:prod"),
                ls.stream().filter(s -> s.names().contains("app:1")).findFirst().orElseThrow().names());
        Image app = store.resolve("app:1");
        IOException multi = assertThrows(IOException.class, () -> store.remove(app.id().toString(), false));
        assertTrue(multi.getMessage().contains("has 2 names"), multi.getMessage());
        assertEquals(List.of("Untagged: app:1"), store.remove("app:1", false));
        assertTrue(store.blobs().exists(app.manifestDigest()), "still named registry.local:5000/app:prod");
        assertEquals(List.of("Untagged: registry.local:5000/app:prod", "Deleted: " + app.id()),
                store.remove("registry.local:5000/app:prod", false));
        assertFalse(store.blobs().exists(app.manifestDigest()));
        assertFalse(store.blobs().exists(app.manifest().layers().getFirst().blob()), "its layer went with it");
        assertThrows(ImageNotFoundException.class, () -> store.resolve("app:1"));

        // Re-tagging "other:1" onto a new image leaves the old one dangling: prune takes it.
        Image other = store.resolve("other:1");
        RootfsImport.importTar(new ByteArrayInputStream(rootfs("c")), Optional.of("other:1"), RUN, store, MAX);
        DiskUsage df = store.diskUsage(0, 0);
        assertEquals(2, df.images());
        Image newer = store.resolve("other:1");
        long otherBytes = other.size() + store.blobs().size(other.manifestDigest());
        assertEquals(otherBytes + newer.size() + store.blobs().size(newer.manifestDigest()), df.imageBytes());
        assertEquals(otherBytes, df.reclaimableBytes(), "the dangling image's blobs");
        var pruned = store.prune();
        assertEquals(otherBytes, pruned.bytesFreed());
        assertFalse(store.blobs().exists(other.manifestDigest()));
        assertEquals(1, store.list().size());
        assertEquals(1, store.diskUsage(0, 0).images());
    }

    @Test
    void archiveErrorsSayWhatIsWrong() throws IOException {
        ImageStore store = new ImageStore(dir);
        byte[] notDocker = new TarBuilder().file("oci-layout", "{}", 0644).build();
        IOException e = assertThrows(IOException.class,
                () -> DockerArchive.load(new ByteArrayInputStream(notDocker), store, MAX));
        assertTrue(e.getMessage().contains("manifest.json is missing"), e.getMessage());
        byte[] l1 = rootfs("x");
        byte[] good = dockerSave(l1, rootfs("y"));
        // Wrong diff ids: swap in a layer whose content does not match the config.
        byte[] bad = dockerSave(l1, rootfs("y"));
        String s = new String(bad, java.nio.charset.StandardCharsets.ISO_8859_1).replace("bin/hello", "bin/jello");
        IOException e2 = assertThrows(IOException.class, () -> DockerArchive.load(
                new ByteArrayInputStream(s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)), store, MAX));
        assertTrue(e2.getMessage().contains("diff id"), e2.getMessage());
        assertNotEquals(good.length, 0);
        assertTrue(store.list().isEmpty());
    }

    @Test
    void ociLayoutWithAMultiPlatformIndexLoadsTheRequestedPlatform() throws IOException {
        ImageStore src = new ImageStore(dir.resolve("src"));
        Path layout = Files.createDirectories(dir.resolve("layout/blobs/sha256"));
        List<dev.vessel.image.oci.Descriptor> platforms = new ArrayList<>();
        for (String arch : List.of("arm64", "amd64")) {
            byte[] tar = new TarBuilder().file("arch", arch, 0644).build();
            Digest layer = src.blobs().put(tar);
            byte[] cfg = OciJson.write(new ImageConfig(null, null, arch, "linux", null, null,
                    new ImageConfig.RootFs("layers", List.of(layer.toString())), null));
            Digest cd = src.blobs().put(cfg);
            byte[] m = OciJson.write(dev.vessel.image.oci.Manifest.oci(
                    new dev.vessel.image.oci.Descriptor(MediaTypes.OCI_CONFIG, cd, cfg.length),
                    List.of(new dev.vessel.image.oci.Descriptor(MediaTypes.OCI_LAYER, layer, tar.length))));
            Digest md = src.blobs().put(m);
            for (Digest d : List.of(layer, cd, md)) {
                Files.write(layout.resolve(d.hex()), src.blobs().read(d));
            }
            platforms.add(new dev.vessel.image.oci.Descriptor(MediaTypes.OCI_MANIFEST, md, m.length)
                    .withPlatform(new Platform(arch, "linux", null, null, null)));
        }
        byte[] nested = OciJson.write(dev.vessel.image.oci.ManifestIndex.oci(platforms));
        Digest nd = Digest.of(nested);
        Files.write(layout.resolve(nd.hex()), nested);
        Files.writeString(dir.resolve("layout/oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Files.write(dir.resolve("layout/index.json"), OciJson.write(dev.vessel.image.oci.ManifestIndex.oci(List.of(
                new dev.vessel.image.oci.Descriptor(MediaTypes.OCI_INDEX, nd, nested.length)
                        .withAnnotations(Map.of("org.opencontainers.image.ref.name", "v2"))))));

        ImageStore store = new ImageStore(dir.resolve("store"));
        List<LoadedImage> l = OciArchive.loadDirectory(dir.resolve("layout"), store, Optional.of("multi/app"),
                Platform.parse("linux/arm64"), MAX);
        assertEquals(List.of("multi/app:v2"), l.getFirst().names());
        assertEquals("arm64", store.resolve("multi/app:v2").config().architecture());
        IOException e = assertThrows(IOException.class, () -> OciArchive.loadDirectory(dir.resolve("layout"),
                new ImageStore(dir.resolve("s2")), Optional.empty(), Platform.parse("linux/riscv64"), MAX));
        assertTrue(e.getMessage().contains("available: linux/arm64, linux/amd64"), e.getMessage());

        // A blob whose content does not match its name is refused while reading the layout.
        Path victim = layout.resolve(platforms.getFirst().blob().hex());
        Files.writeString(victim, "{\"tampered\":true}");
        IOException t = assertThrows(IOException.class, () -> OciArchive.loadDirectory(dir.resolve("layout"),
                new ImageStore(dir.resolve("s3")), Optional.empty(), Platform.parse("linux/arm64"), MAX));
        assertTrue(t.getMessage().contains("does not match its digest"), t.getMessage());
    }

    private static List<String> members(byte[] tar) throws IOException {
        List<String> out = new ArrayList<>();
        TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar));
        for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
            out.add(e.getName());
        }
        return out;
    }

    @SuppressWarnings("unused")
    private static Map<String, Object> json(byte[] b) throws IOException {
        return OciJson.MAPPER.readValue(b, Map.class);
    }
}
