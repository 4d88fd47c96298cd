package dev.vessel.image.registry;

import dev.vessel.image.Image;
import dev.vessel.image.ImageStore;
import dev.vessel.image.oci.Descriptor;
import dev.vessel.image.oci.MediaTypes;
import dev.vessel.image.ref.Reference;
import dev.vessel.image.store.Digest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code vessel push}: for each blob, skip it if the repository has it (HEAD), else mount it from
 * another repository of the same registry known to have it, else upload it; then put the manifest.
 */
public final class ImagePusher {
    /** Blobs above this go up in PATCH chunks of this size. */
    public static final long DEFAULT_CHUNK = 16L << 20;

    private final ImageStore store;
    private final Registries registries;
    private final BlobSources sources;
    private final long chunkSize;

    public ImagePusher(ImageStore store, Registries registries, long chunkSize) throws IOException {
        this.store = store;
        this.registries = registries;
        this.sources = new BlobSources(store.blobs().root());
        this.chunkSize = chunkSize;
    }

    /** What happened to each blob, for the user and for tests. */
    public record Result(Digest manifest, List<Digest> uploaded, List<Digest> mounted, List<Digest> skipped) {
    }

    public Result push(String local, Reference target, Progress progress) throws IOException {
        Image img = store.resolve(local);
        if (target.tag() == null && target.digest() != null && !target.digest().equals(img.manifestDigest())) {
            throw new IOException("cannot push " + local + " to " + target + ": the digest names a different manifest");
        }
        RegistryClient client = registries.client(target.registryHost());
        String repo = target.path();
        String host = target.registryHost();
        List<Digest> uploaded = new ArrayList<>();
        List<Digest> mounted = new ArrayList<>();
        List<Digest> skipped = new ArrayList<>();
        List<Descriptor> all = new ArrayList<>(img.manifest().layers());
        all.add(img.manifest().config());
        for (Descriptor d : all) {
            Digest digest = d.blob();
            Progress.Layer p = progress.layer(digest.shortId(), d.size());
            if (client.blobExists(repo, digest)) {
                skipped.add(digest);
                p.finish("layer already exists");
            } else {
                var from = sources.sameRegistry(digest, host, repo);
                if (from.isPresent() && client.mount(repo, digest, from.get())) {
                    mounted.add(digest);
                    p.finish("mounted from " + from.get());
                } else {
                    long size = store.blobs().size(digest);
                    client.upload(repo, digest, store.blobs().path(digest), size, chunkSize, p::add);
                    uploaded.add(digest);
                    p.finish("pushed");
                }
            }
            sources.add(digest, host, repo);
        }
        byte[] manifest = store.blobs().read(img.manifestDigest());
        String type = img.manifest().mediaType() != null ? img.manifest().mediaType() : MediaTypes.OCI_MANIFEST;
        // A tag wins over a digest in the target: name@digest with a tag still means "tag it".
        Digest pushed = client.putManifest(repo, target.tag() != null ? target.tag() : target.apiReference(), type, manifest);
        return new Result(pushed, uploaded, mounted, skipped);
    }
}
