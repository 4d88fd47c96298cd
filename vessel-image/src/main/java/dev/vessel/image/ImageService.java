package dev.vessel.image;

import dev.vessel.image.archive.DockerArchive;
import dev.vessel.image.archive.LoadedImage;
import dev.vessel.image.archive.OciArchive;
import dev.vessel.image.archive.RootfsImport;
import dev.vessel.image.layer.Compression;
import dev.vessel.image.layer.UnpackOptions;
import dev.vessel.image.oci.ImageConfig;
import dev.vessel.image.oci.Platform;
import dev.vessel.image.ref.Reference;
import dev.vessel.image.registry.Credential;
import dev.vessel.image.registry.DockerConfig;
import dev.vessel.image.registry.ImagePuller;
import dev.vessel.image.registry.ImagePusher;
import dev.vessel.image.registry.Progress;
import dev.vessel.image.registry.Registries;
import dev.vessel.image.registry.RegistryTrust;
import dev.vessel.image.snapshot.ContainerSnapshot;
import dev.vessel.image.snapshot.Snapshotter;
import dev.vessel.image.store.BlobGc;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The whole image API in one place, for the CLI and the engine: each method is one user command
 * (see vessel-image/CLI.md). It owns nothing the parts below do not; it only wires them.
 */
public final class ImageService {
    /** The formats of {@code vessel image save --format}. */
    public enum ArchiveFormat { DOCKER_ARCHIVE, OCI_ARCHIVE }

    private final ImageStore store;
    private final Snapshotter snapshots;
    private final Registries registries;
    private final long maxBytes;

    public ImageService(Path imagesRoot, Path snapshotsRoot, DockerConfig credentials, Set<String> insecureRegistries)
            throws IOException {
        this(imagesRoot, snapshotsRoot, credentials, insecureRegistries, RegistryTrust.system());
    }

    public ImageService(Path imagesRoot, Path snapshotsRoot, DockerConfig credentials, Set<String> insecureRegistries,
                        RegistryTrust trust) throws IOException {
        try {
            this.store = new ImageStore(imagesRoot);
            this.snapshots = new Snapshotter(snapshotsRoot, store.blobs(), UnpackOptions.defaults());
        } catch (java.nio.file.AccessDeniedException e) {
            throw new IOException("cannot use the image store: permission denied on " + e.getFile()
                    + " (run as root, or point the store at a directory you own)", e);
        }
        this.registries = new Registries(credentials, insecureRegistries, trust);
        this.maxBytes = UnpackOptions.DEFAULT_MAX_BYTES;
    }

    /** /var/lib/vessel/images, /var/lib/vessel/snapshots, the user's Docker config.json. */
    public static ImageService defaults(Set<String> insecureRegistries) throws IOException {
        return defaults(insecureRegistries, RegistryTrust.system());
    }

    /** The defaults, trusting registries' certificates as {@code trust} says. */
    public static ImageService defaults(Set<String> insecureRegistries, RegistryTrust trust) throws IOException {
        return new ImageService(ImageStore.DEFAULT_ROOT, Snapshotter.DEFAULT_ROOT, DockerConfig.defaultLocation(),
                insecureRegistries, trust);
    }

    public ImageStore store() {
        return store;
    }

    public Snapshotter snapshots() {
        return snapshots;
    }

    /**
     * {@code vessel image load -i FILE}: a docker-archive or oci-archive (either may be gzip or
     * zstd compressed), or an OCI layout directory. The format is recognised from the content.
     */
    public List<LoadedImage> load(Path input, Optional<String> repository, Platform platform) throws IOException {
        if (Files.isDirectory(input)) {
            return OciArchive.loadDirectory(input, store, repository, platform, maxBytes);
        }
        boolean oci = isOciArchive(input);
        try (InputStream in = Files.newInputStream(input)) {
            return oci ? OciArchive.loadTar(in, store, repository, platform, maxBytes)
                    : DockerArchive.load(in, store, maxBytes);
        }
    }

    private static boolean isOciArchive(Path tar) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(tar));
             InputStream in = Compression.open(raw)) {
            var t = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(in);
            for (var e = t.getNextEntry(); e != null; e = t.getNextEntry()) {
                String n = e.getName().startsWith("./") ? e.getName().substring(2) : e.getName();
                if (n.equals("oci-layout")) {
                    return true;
                }
                if (n.equals("manifest.json")) {
                    return false; // docker save >= 25 writes both; its manifest.json is the richer index
                }
            }
        }
        return false;
    }

    /** {@code vessel image save [--format docker-archive|oci-archive] -o FILE IMAGE...}. */
    public void save(List<String> images, ArchiveFormat format, OutputStream out) throws IOException {
        switch (format) {
            case DOCKER_ARCHIVE -> DockerArchive.save(images, store, out);
            case OCI_ARCHIVE -> OciArchive.save(images, store, out);
        }
    }

    /** {@code vessel image import ROOTFS.tar [NAME]}. */
    public LoadedImage importRootfs(Path tar, Optional<String> name, ImageConfig.Config defaults) throws IOException {
        try (InputStream in = Files.newInputStream(tar)) {
            return RootfsImport.importTar(in, name, defaults, store, maxBytes);
        }
    }

    public List<ImageSummary> list() throws IOException {
        return store.list();
    }

    public Image inspect(String image) throws IOException {
        return store.resolve(image);
    }

    public List<String> remove(String image, boolean force) throws IOException {
        Image img = store.resolve(image);
        for (ContainerSnapshot s : snapshots.list()) {
            if (!force && s.chain().equals(dev.vessel.image.snapshot.LayerSnapshots.chainIds(img.diffIds()))
                    && img.names().size() <= 1) {
                throw new IOException("image " + image + " is used by container \"" + s.id()
                        + "\"; remove the container first or use --force");
            }
        }
        return store.remove(image, force);
    }

    public void tag(String source, String target) throws IOException {
        store.tag(source, target);
    }

    /** {@code vessel image prune}: dangling images, unreferenced blobs, unused layer snapshots. */
    public BlobGc.Result prune() throws IOException {
        BlobGc.Result r = store.prune();
        snapshots.collect(store.images());
        return r;
    }

    public DiskUsage diskUsage() throws IOException {
        return store.diskUsage(snapshots.layers().list().size(), snapshots.layers().bytes());
    }

    /** {@code vessel pull [--platform os/arch] IMAGE}: progress lines go to {@code progressOut} (stderr). */
    public Image pull(String image, Platform platform, java.io.PrintStream progressOut) throws IOException {
        try (Progress p = new Progress(progressOut)) {
            return new ImagePuller(store, registries, 3).pull(Reference.parse(image), platform, p);
        }
    }

    /** {@code vessel push IMAGE [DESTINATION]}. */
    public ImagePusher.Result push(String image, Optional<String> destination, java.io.PrintStream progressOut)
            throws IOException {
        Reference target = Reference.parse(destination.orElse(image));
        try (Progress p = new Progress(progressOut)) {
            return new ImagePusher(store, registries, ImagePusher.DEFAULT_CHUNK).push(image, target, p);
        }
    }

    /** {@code vessel login [-u USER] [--password-stdin] REGISTRY}. */
    public void login(String registry, Credential credential) throws IOException {
        registries.login(registry, credential);
    }

    public boolean logout(String registry) throws IOException {
        return registries.logout(registry);
    }
}
