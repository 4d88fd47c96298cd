package dev.vessel.image.archive;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.vessel.image.Image;
import dev.vessel.image.ImageStore;
import dev.vessel.image.layer.Compression;
import dev.vessel.image.oci.Descriptor;
import dev.vessel.image.oci.ImageConfig;
import dev.vessel.image.oci.Manifest;
import dev.vessel.image.oci.MediaTypes;
import dev.vessel.image.oci.OciJson;
import dev.vessel.image.ref.Reference;
import dev.vessel.image.store.BlobStore;
import dev.vessel.image.store.Digest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The docker-archive format written by {@code docker save} and {@code podman save}: a tar with
 * {@code manifest.json} (one entry per image: Config, RepoTags, Layers), {@code repositories},
 * the config JSON and one uncompressed {@code layer.tar} per layer.
 */
public final class DockerArchive {
    /** One element of manifest.json. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(@JsonProperty("Config") String config, @JsonProperty("RepoTags") List<String> repoTags,
                        @JsonProperty("Layers") List<String> layers) {
    }

    private DockerArchive() {
    }

    /** Loads every image in the archive; returns the stored manifest digests with their names. */
    public static List<LoadedImage> load(InputStream archive, ImageStore store, long maxBytes) throws IOException {
        BlobStore blobs = store.blobs();
        ArchiveContents c = ArchiveContents.readTar(Compression.open(archive), "docker-archive", blobs, maxBytes);
        if (!c.has("manifest.json")) {
            throw new IOException("not a docker-archive: manifest.json is missing (is it an oci-archive? members: "
                    + String.join(", ", c.names().stream().limit(5).toList()) + ")");
        }
        List<Entry> entries;
        try {
            entries = OciJson.MAPPER.readValue(c.bytes("manifest.json", blobs), new TypeReference<List<Entry>>() { });
        } catch (IOException e) {
            throw new IOException("docker-archive manifest.json is not a list of {Config, RepoTags, Layers}: "
                    + e.getMessage(), e);
        }
        List<LoadedImage> out = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            String where = "docker-archive manifest.json[" + i + "]";
            if (e.config() == null || e.layers() == null) {
                throw new IOException(where + ": Config and Layers are required");
            }
            Digest configDigest = c.blob(e.config(), blobs);
            ImageConfig config = OciJson.read(blobs.read(configDigest), ImageConfig.class, where + ".Config")
                    .validate(where + ".Config");
            if (config.rootfs().diffIds().size() != e.layers().size()) {
                throw new IOException(where + ": " + e.layers().size() + " Layers but the config lists "
                        + config.rootfs().diffIds().size() + " rootfs.diff_ids");
            }
            List<Descriptor> layers = new ArrayList<>();
            for (int l = 0; l < e.layers().size(); l++) {
                Digest d = c.blob(e.layers().get(l), blobs);
                Digest diffId = LayerDescriptors.diffId(blobs, d);
                if (!diffId.toString().equals(config.rootfs().diffIds().get(l))) {
                    throw new IOException(where + ".Layers[" + l + "] (" + e.layers().get(l) + ") has diff id " + diffId
                            + " but the config's rootfs.diff_ids[" + l + "] is " + config.rootfs().diffIds().get(l));
                }
                layers.add(LayerDescriptors.describe(blobs, d));
            }
            Manifest m = Manifest.oci(new Descriptor(MediaTypes.OCI_CONFIG, configDigest, blobs.size(configDigest)), layers);
            List<String> names = e.repoTags() == null ? List.of() : e.repoTags();
            Digest md = store.commit(OciJson.write(m), names);
            out.add(new LoadedImage(md, names.stream().map(n -> Reference.parse(n).familiar()).toList()));
        }
        return out;
    }

    /** Writes the images in docker-archive form; compressed layers are stored uncompressed, as docker does. */
    public static void save(List<String> refs, ImageStore store, OutputStream out) throws IOException {
        BlobStore blobs = store.blobs();
        try (TarWriter tar = new TarWriter(out)) {
            List<Entry> manifest = new ArrayList<>();
            Map<String, Map<String, String>> repositories = new LinkedHashMap<>();
            Set<String> written = new HashSet<>();
            for (String ref : refs) {
                Image img = store.resolve(ref);
                String configName = img.configDigest().hex() + ".json";
                if (written.add(configName)) {
                    tar.file(configName, blobs.read(img.configDigest()));
                }
                List<String> layerNames = new ArrayList<>();
                for (int i = 0; i < img.manifest().layers().size(); i++) {
                    Digest blob = img.manifest().layers().get(i).blob();
                    String name = img.diffIds().get(i).hex() + "/layer.tar";
                    layerNames.add(name);
                    if (written.add(name)) {
                        writeUncompressed(tar, name, blobs, blob, img.diffIds().get(i));
                    }
                }
                List<String> tags = new ArrayList<>();
                String wanted = nameOf(ref);
                boolean byName = wanted != null && img.names().contains(wanted);
                for (String n : img.names()) {
                    Reference r = Reference.parse(n);
                    if (!byName || n.equals(wanted)) { // by id: all its names, as docker save does
                        tags.add(r.familiar());
                        repositories.computeIfAbsent(r.withTag(null).familiar(), k -> new LinkedHashMap<>())
                                .put(r.tag(), img.diffIds().isEmpty() ? "" : img.diffIds().getLast().hex());
                    }
                }
                manifest.add(new Entry(configName, tags, layerNames));
            }
            tar.file("manifest.json", OciJson.write(manifest));
            tar.file("repositories", OciJson.write(repositories));
        }
    }

    static String nameOf(String ref) {
        try {
            return Reference.parse(ref).toString();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static void writeUncompressed(TarWriter tar, String name, BlobStore blobs, Digest blob, Digest diffId)
            throws IOException {
        if (LayerDescriptors.compressionOf(blobs, blob) == Compression.NONE) {
            try (InputStream in = blobs.open(blob)) {
                tar.file(name, in, blobs.size(blob));
            }
            return;
        }
        // A tar header needs the size first, so inflate to a scratch file beside the store.
        Path tmp = Files.createTempFile(blobs.root().resolve("ingest"), "save-", ".tar");
        try {
            try (InputStream in = Compression.open(blobs.open(blob)); OutputStream o = Files.newOutputStream(tmp)) {
                in.transferTo(o);
            }
            try (InputStream in = Files.newInputStream(tmp)) {
                tar.file(name, new dev.vessel.image.store.VerifyingInputStream(in, diffId, Files.size(tmp)), Files.size(tmp));
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
