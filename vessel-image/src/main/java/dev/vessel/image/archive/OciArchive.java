package dev.vessel.image.archive;

import dev.vessel.image.Image;
import dev.vessel.image.ImageStore;
import dev.vessel.image.layer.Compression;
import dev.vessel.image.oci.Descriptor;
import dev.vessel.image.oci.ManifestIndex;
import dev.vessel.image.oci.MediaTypes;
import dev.vessel.image.oci.OciJson;
import dev.vessel.image.oci.Platform;
import dev.vessel.image.ref.Reference;
import dev.vessel.image.store.BlobStore;
import dev.vessel.image.store.Digest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * OCI image layout ({@code oci-layout}, {@code index.json}, {@code blobs/sha256/}), as a tar
 * (oci-archive, {@code skopeo copy ... oci-archive:}) or as a directory ({@code umoci}, skopeo
 * {@code oci:}). A ref name that is a full reference is used as is; a bare tag
 * ({@code org.opencontainers.image.ref.name=latest}) gets the repository the caller gives, or
 * none (the image is then listed by id only).
 */
public final class OciArchive {
    public static final String CONTAINERD_NAME = "io.containerd.image.name";
    private static final byte[] LAYOUT = "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes();

    private OciArchive() {
    }

    public static List<LoadedImage> loadTar(InputStream archive, ImageStore store, Optional<String> repository,
                                            Platform platform, long maxBytes) throws IOException {
        return load(ArchiveContents.readTar(Compression.open(archive), "oci-archive", store.blobs(), maxBytes),
                store, repository, platform);
    }

    public static List<LoadedImage> loadDirectory(Path layout, ImageStore store, Optional<String> repository,
                                                  Platform platform, long maxBytes) throws IOException {
        return load(ArchiveContents.readDirectory(layout, store.blobs(), maxBytes), store, repository, platform);
    }

    private static List<LoadedImage> load(ArchiveContents c, ImageStore store, Optional<String> repository,
                                          Platform platform) throws IOException {
        BlobStore blobs = store.blobs();
        if (!c.has("oci-layout") || !c.has("index.json")) {
            throw new IOException("not an OCI image layout: oci-layout or index.json is missing"
                    + (c.has("manifest.json") ? " (this looks like a docker-archive)" : ""));
        }
        ManifestIndex index = OciJson.read(c.bytes("index.json", blobs), ManifestIndex.class, "index.json");
        if (index.manifests() == null || index.manifests().isEmpty()) {
            throw new IOException("index.json lists no manifests");
        }
        List<LoadedImage> out = new ArrayList<>();
        for (int i = 0; i < index.manifests().size(); i++) {
            Descriptor d = index.manifests().get(i);
            String where = "index.json manifests[" + i + "]";
            Digest manifest = selectManifest(d, blobs, platform, where);
            List<String> names = namesOf(d, repository);
            // commit() checks that the config and every layer arrived with the archive.
            store.commit(blobs.read(manifest), names);
            out.add(new LoadedImage(manifest, names.stream().map(n -> Reference.parse(n).familiar()).toList()));
        }
        return out;
    }

    /** Follows nested indexes down to the manifest for {@code platform}. */
    static Digest selectManifest(Descriptor d, BlobStore blobs, Platform platform, String where) throws IOException {
        for (int depth = 0; depth < 4; depth++) {
            Digest digest = d.blob();
            if (!blobs.exists(digest)) {
                throw new IOException(where + ": blob " + digest + " is not in the archive");
            }
            String type = OciJson.mediaTypeOf(blobs.read(digest), where);
            if (MediaTypes.isManifest(type)) {
                return digest;
            }
            if (!MediaTypes.isIndex(type)) {
                throw new IOException(where + ": media type \"" + type + "\" is neither a manifest nor an index");
            }
            ManifestIndex nested = OciJson.read(blobs.read(digest), ManifestIndex.class, where);
            Descriptor pick = nested.select(platform).orElse(null);
            if (pick == null && nested.manifests() != null && nested.manifests().size() == 1
                    && nested.manifests().getFirst().platform() == null) {
                pick = nested.manifests().getFirst(); // a single manifest without platform: take it
            }
            if (pick == null) {
                throw new IOException(where + ": no manifest for platform " + platform + " (available: "
                        + String.join(", ", nested.platforms()) + "); choose one with --platform");
            }
            d = pick;
        }
        throw new IOException(where + ": indexes nested too deeply");
    }

    private static List<String> namesOf(Descriptor d, Optional<String> repository) {
        Map<String, String> a = d.annotations() == null ? Map.of() : d.annotations();
        if (a.containsKey(CONTAINERD_NAME)) {
            return List.of(Reference.parse(a.get(CONTAINERD_NAME)).toString());
        }
        String ref = a.get(Descriptor.REF_NAME);
        if (ref == null) {
            return repository.map(r -> List.of(Reference.parse(r).toString())).orElse(List.of());
        }
        if (ref.contains("/") || ref.contains("@")) {
            return List.of(Reference.parse(ref).toString());
        }
        if (repository.isPresent()) {
            return List.of(Reference.parse(repository.get()).withTag(ref).toString());
        }
        // A bare tag and no repository to attach it to: docker.io/library/<tag> would be a lie, so
        // the image stays unnamed (listed by id) and the caller can pass a repository or tag it.
        return List.of();
    }

    /** Writes the images as an oci-archive: every blob as stored, one index entry per name. */
    public static void save(List<String> refs, ImageStore store, OutputStream out) throws IOException {
        BlobStore blobs = store.blobs();
        List<Descriptor> entries = new ArrayList<>();
        Set<Digest> all = new HashSet<>();
        for (String ref : refs) {
            Image img = store.resolve(ref);
            String wanted = DockerArchive.nameOf(ref);
            boolean byName = wanted != null && img.names().contains(wanted);
            List<String> names = byName ? List.of(wanted) : img.names();
            Descriptor md = new Descriptor(img.manifest().mediaType() == null ? MediaTypes.OCI_MANIFEST
                    : img.manifest().mediaType(), img.manifestDigest(), blobs.size(img.manifestDigest()))
                    .withPlatform(img.config().platform());
            if (names.isEmpty()) {
                entries.add(md);
            }
            for (String n : names) {
                Map<String, String> ann = new LinkedHashMap<>();
                ann.put(CONTAINERD_NAME, n);
                String tag = Reference.parse(n).tag();
                if (tag != null) { // a name@digest has no tag to offer as ref.name
                    ann.put(Descriptor.REF_NAME, tag);
                }
                entries.add(md.withAnnotations(ann));
            }
            all.add(img.manifestDigest());
            all.add(img.configDigest());
            img.manifest().layers().forEach(l -> all.add(l.blob()));
        }
        try (TarWriter tar = new TarWriter(out)) {
            tar.file("oci-layout", LAYOUT);
            for (Digest d : all.stream().sorted().toList()) {
                try (InputStream in = blobs.open(d)) {
                    tar.file("blobs/sha256/" + d.hex(), in, blobs.size(d));
                }
            }
            tar.file("index.json", OciJson.write(ManifestIndex.oci(entries)));
        }
    }
}
