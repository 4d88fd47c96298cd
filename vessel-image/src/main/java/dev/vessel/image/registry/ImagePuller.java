package dev.vessel.image.registry;

import dev.vessel.image.Image;
import dev.vessel.image.ImageStore;
import dev.vessel.image.ParallelJobs;
import dev.vessel.image.oci.Descriptor;
import dev.vessel.image.oci.ImageConfig;
import dev.vessel.image.oci.Manifest;
import dev.vessel.image.oci.ManifestIndex;
import dev.vessel.image.oci.MediaTypes;
import dev.vessel.image.oci.OciJson;
import dev.vessel.image.oci.Platform;
import dev.vessel.image.ref.Reference;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code vessel pull}: resolves the reference to one platform's manifest, downloads the config
 * and the missing layers in parallel (each verified and resumable), and only then names the image,
 * so an interrupted pull leaves no half image, only reusable blobs.
 */
public final class ImagePuller {
    private final ImageStore store;
    private final Registries registries;
    private final BlobSources sources;
    private final int parallel;

    public ImagePuller(ImageStore store, Registries registries, int parallel) throws IOException {
        this.store = store;
        this.registries = registries;
        this.sources = new BlobSources(store.blobs().root());
        this.parallel = Math.max(1, parallel);
    }

    public Image pull(Reference ref, Platform platform, Progress progress) throws IOException {
        RegistryClient client = registries.client(ref.registryHost());
        String repo = ref.path();
        RegistryClient.FetchedManifest top = client.manifest(repo, ref.apiReference());
        RegistryClient.FetchedManifest m = top;
        if (MediaTypes.isIndex(top.mediaType())) {
            ManifestIndex index = OciJson.read(top.bytes(), ManifestIndex.class, "index " + ref);
            Descriptor pick = index.select(platform).orElseThrow(() -> new IOException(ref.familiar()
                    + ": no image for platform " + platform + " (available: " + String.join(", ", index.platforms())
                    + "); choose one with --platform"));
            m = client.manifest(repo, pick.digest());
        }
        if (!MediaTypes.isManifest(m.mediaType())) {
            throw new IOException(ref.familiar() + ": unsupported manifest type \"" + m.mediaType()
                    + "\" (schema 1 and artifacts cannot be run)");
        }
        Manifest manifest = OciJson.read(m.bytes(), Manifest.class, "manifest " + ref).validate("manifest " + ref);
        client.fetchBlob(repo, manifest.config(), store.blobs(), progress.layer(manifest.config().blob().shortId(),
                manifest.config().size()));
        ImageConfig config = OciJson.read(store.blobs().read(manifest.config().blob()), ImageConfig.class, "config")
                .validate("config of " + ref);
        if (config.os() != null && config.architecture() != null && !platform.accepts(config.platform())) {
            throw new IOException(ref.familiar() + " is built for " + config.platform() + ", not " + platform);
        }
        downloadLayers(client, repo, manifest, progress);
        String host = ref.registryHost();
        for (Descriptor d : manifest.layers()) {
            sources.add(d.blob(), host, repo);
        }
        sources.add(manifest.config().blob(), host, repo);
        store.blobs().put(m.bytes());
        store.commit(m.bytes(), List.of(ref.toString()));
        return store.resolve(ref.toString());
    }

    private void downloadLayers(RegistryClient client, String repo, Manifest manifest, Progress progress)
            throws IOException {
        List<Future<?>> jobs = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(parallel)) {
            for (Descriptor d : manifest.layers()) {
                Progress.Layer p = progress.layer(d.blob().shortId(), d.size());
                if (store.blobs().exists(d.blob())) {
                    p.finish("already exists");
                    continue;
                }
                jobs.add(pool.submit(() -> {
                    client.fetchBlob(repo, d, store.blobs(), p);
                    p.finish("pulled");
                    return null;
                }));
            }
            ParallelJobs.awaitAll(jobs, "pull interrupted");
        }
    }
}
