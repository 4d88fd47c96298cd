package dev.vessel.image;

import dev.vessel.image.oci.Descriptor;
import dev.vessel.image.oci.ImageConfig;
import dev.vessel.image.oci.Manifest;
import dev.vessel.image.oci.ManifestIndex;
import dev.vessel.image.oci.MediaTypes;
import dev.vessel.image.oci.OciJson;
import dev.vessel.image.ref.Reference;
import dev.vessel.image.store.BlobGc;
import dev.vessel.image.store.BlobStore;
import dev.vessel.image.store.Digest;
import dev.vessel.image.store.ImageIndex;
import dev.vessel.image.store.ImageRecord;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The local image store: blobs plus the names table. This is the API behind {@code vessel image
 * ls|inspect|rm|tag|prune} and {@code system df}; loading, saving, pulling and pushing build on it.
 */
public final class ImageStore {
    public static final Path DEFAULT_ROOT = Path.of("/var/lib/vessel/images");
    /** Blobs younger than this survive prune: an in-flight pull writes blobs before it names the image. */
    public static final Duration GC_GRACE = Duration.ofMinutes(10);
    private static final long MAX_MANIFEST_BYTES = 4 << 20; // the distribution spec's manifest limit

    private final BlobStore blobs;
    private final ImageIndex index;

    public ImageStore(Path root) throws IOException {
        this.blobs = new BlobStore(root);
        this.index = new ImageIndex(root);
    }

    public BlobStore blobs() {
        return blobs;
    }

    /** Stores a manifest (bytes kept exactly, so its digest is stable) and names the image. */
    public Digest commit(byte[] manifestJson, List<String> names) throws IOException {
        Manifest m = OciJson.read(manifestJson, Manifest.class, "manifest").validate("manifest");
        for (Descriptor d : concat(m.config(), m.layers())) {
            if (!blobs.exists(d.blob())) {
                throw new IOException("cannot record image: blob " + d.digest() + " (" + d.mediaType() + ") is missing");
            }
        }
        Digest digest = blobs.put(manifestJson);
        index.put(digest, names.stream().map(n -> Reference.parse(n).toString()).toList());
        return digest;
    }

    /** Finds an image by reference ({@code busybox}, {@code x@sha256:..}) or by (a prefix of) its id. */
    public Image resolve(String nameOrId) throws IOException {
        List<ImageRecord> all = index.images();
        try {
            Reference ref = Reference.parse(nameOrId);
            for (ImageRecord r : all) {
                if (r.names().contains(ref.toString())
                        || (ref.digest() != null && r.manifest().equals(ref.digest().toString()))) {
                    return load(r);
                }
            }
        } catch (IllegalArgumentException notAReference) {
            // Fall through: it may still be an id such as sha256:abc...
        }
        String prefix = nameOrId.startsWith("sha256:") ? nameOrId.substring(7) : nameOrId;
        if (prefix.length() >= 3 && prefix.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            List<Image> hits = new ArrayList<>();
            for (ImageRecord r : all) {
                Image img = load(r);
                if (img.id().hex().startsWith(prefix) || img.manifestDigest().hex().startsWith(prefix)) {
                    hits.add(img);
                }
            }
            if (hits.size() > 1) {
                throw new IOException("image id prefix \"" + nameOrId + "\" is ambiguous (" + hits.size()
                        + " images match); give more characters");
            }
            if (hits.size() == 1) {
                return hits.getFirst();
            }
        }
        throw new ImageNotFoundException(nameOrId);
    }

    public Optional<Image> find(String nameOrId) throws IOException {
        try {
            return Optional.of(resolve(nameOrId));
        } catch (ImageNotFoundException e) {
            return Optional.empty();
        }
    }

    private Image load(ImageRecord r) throws IOException {
        Digest md = r.manifestDigest();
        Manifest m = OciJson.read(blobs.read(md), Manifest.class, "manifest " + md).validate("manifest " + md);
        Digest cd = m.config().blob();
        ImageConfig c = OciJson.read(blobs.read(cd), ImageConfig.class, "config " + cd).validate("config " + cd);
        return new Image(r.names(), md, m, cd, c, r.added());
    }

    public List<Image> images() throws IOException {
        List<Image> out = new ArrayList<>();
        for (ImageRecord r : index.images()) {
            out.add(load(r));
        }
        return out;
    }

    public List<ImageSummary> list() throws IOException {
        List<ImageSummary> out = new ArrayList<>();
        for (Image i : images()) {
            out.add(new ImageSummary(i.names().stream().map(n -> Reference.parse(n).familiar()).toList(),
                    i.id().toString(), i.manifestDigest().toString(), i.config().created(), i.size()));
        }
        return out;
    }

    /** {@code vessel image tag SOURCE TARGET}. */
    public void tag(String source, String target) throws IOException {
        Image img = resolve(source);
        index.put(img.manifestDigest(), List.of(Reference.parse(target).toString()));
    }

    /**
     * {@code vessel image rm}: by name removes that name (and the image once no name is left);
     * by id removes the image, which needs {@code force} if several names point at it.
     * Returns the lines docker prints: "Untagged: ..." and "Deleted: ...".
     */
    public List<String> remove(String nameOrId, boolean force) throws IOException {
        Image img = resolve(nameOrId);
        List<String> out = new ArrayList<>();
        String byName = null;
        try {
            String n = Reference.parse(nameOrId).toString();
            byName = img.names().contains(n) ? n : null;
        } catch (IllegalArgumentException ignored) {
            // an id
        }
        if (byName == null && img.names().size() > 1 && !force) {
            throw new IOException("image " + img.id().shortId() + " has " + img.names().size()
                    + " names (" + String.join(", ", img.names()) + "); remove them by name or use --force");
        }
        List<String> untag = byName != null ? List.of(byName) : img.names();
        untag.forEach(n -> out.add("Untagged: " + Reference.parse(n).familiar()));
        boolean deleteImage = img.names().size() == untag.size();
        index.update(list -> {
            List<ImageRecord> next = new ArrayList<>();
            for (ImageRecord r : list) {
                if (!r.manifest().equals(img.manifestDigest().toString())) {
                    next.add(r);
                } else if (!deleteImage) {
                    next.add(new ImageRecord(r.manifest(), r.names().stream().filter(x -> !untag.contains(x)).toList(), r.added()));
                }
            }
            return next;
        });
        if (deleteImage) {
            out.add("Deleted: " + img.id());
            deleteUnreferenced(img);
        }
        return out;
    }

    /** Deletes the removed image's blobs that no remaining image uses (no grace: they were ours). */
    private BlobGc.Result deleteUnreferenced(Image removed) throws IOException {
        Set<Digest> live = BlobGc.referenceCounts(blobs, roots(), this::children).keySet();
        List<Digest> mine = new ArrayList<>();
        mine.add(removed.manifestDigest());
        mine.add(removed.configDigest());
        removed.manifest().layers().forEach(l -> mine.add(l.blob()));
        List<Digest> deleted = new ArrayList<>();
        long freed = 0;
        for (Digest d : mine) {
            if (!live.contains(d) && blobs.exists(d)) {
                long size = blobs.size(d);
                if (blobs.delete(d)) {
                    deleted.add(d);
                    freed += size;
                }
            }
        }
        return new BlobGc.Result(deleted, freed);
    }

    /** {@code vessel image prune}: drops dangling images, then unreferenced blobs. */
    public BlobGc.Result prune() throws IOException {
        List<Image> dangling = images().stream().filter(i -> i.names().isEmpty()).toList();
        index.update(list -> new ArrayList<>(list.stream().filter(r -> !r.names().isEmpty()).toList()));
        List<Digest> removed = new ArrayList<>();
        long freed = 0;
        for (Image img : dangling) {
            BlobGc.Result r = deleteUnreferenced(img);
            removed.addAll(r.removed());
            freed += r.bytesFreed();
        }
        BlobGc.Result orphans = BlobGc.collect(blobs, roots(), this::children, GC_GRACE);
        removed.addAll(orphans.removed());
        return new BlobGc.Result(List.copyOf(removed), freed + orphans.bytesFreed());
    }


    public DiskUsage diskUsage(int snapshots, long snapshotBytes) throws IOException {
        List<ImageRecord> all = index.images();
        Set<Digest> live = BlobGc.referenceCounts(blobs, roots(), this::children).keySet();
        List<Digest> namedRoots = all.stream().filter(r -> !r.names().isEmpty()).map(ImageRecord::manifestDigest).toList();
        Set<Digest> namedLive = BlobGc.referenceCounts(blobs, namedRoots, this::children).keySet();
        long total = 0;
        long reclaimable = 0;
        for (Digest d : blobs.list()) {
            long size = blobs.size(d);
            if (live.contains(d)) {
                total += size;
            }
            if (!namedLive.contains(d)) {
                reclaimable += size;
            }
        }
        return new DiskUsage(all.size(), total, reclaimable, snapshots, snapshotBytes);
    }

    private List<Digest> roots() throws IOException {
        return index.images().stream().map(ImageRecord::manifestDigest).toList();
    }

    /** What a blob refers to; only small JSON blobs (manifests, indexes) can refer to anything. */
    List<Digest> children(Digest blob) throws IOException {
        if (blobs.size(blob) > MAX_MANIFEST_BYTES) {
            return List.of();
        }
        byte[] b = blobs.read(blob);
        if (b.length == 0 || b[0] != '{') {
            return List.of();
        }
        try {
            String type = OciJson.mediaTypeOf(b, "blob " + blob);
            if (MediaTypes.isIndex(type)) {
                return OciJson.read(b, ManifestIndex.class, "index").manifests().stream().map(Descriptor::blob).toList();
            }
            if (MediaTypes.isManifest(type)) {
                Manifest m = OciJson.read(b, Manifest.class, "manifest");
                return concat(m.config(), m.layers()).stream().map(Descriptor::blob).toList();
            }
        } catch (IllegalArgumentException notAManifest) {
            // A config or other JSON blob: refers to nothing.
        }
        return List.of();
    }

    private static List<Descriptor> concat(Descriptor first, List<Descriptor> rest) {
        List<Descriptor> all = new ArrayList<>(rest.size() + 1);
        all.add(first);
        all.addAll(rest);
        return all;
    }

    /** Names as stored, for callers that need to keep an image alive (a running container's). */
    public Map<String, Digest> names() throws IOException {
        Map<String, Digest> out = new java.util.TreeMap<>();
        for (ImageRecord r : index.images()) {
            r.names().forEach(n -> out.put(n, r.manifestDigest()));
        }
        return out;
    }
}
