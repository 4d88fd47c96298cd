package dev.vessel.image.snapshot;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.vessel.image.Image;
import dev.vessel.image.layer.LayerUnpacker;
import dev.vessel.image.layer.UnpackOptions;
import dev.vessel.image.oci.OciJson;
import dev.vessel.image.store.AtomicFiles;
import dev.vessel.image.store.BlobStore;
import dev.vessel.image.store.Digest;
import dev.vessel.linux.LinuxException;
import dev.vessel.linux.Mounts;
import dev.vessel.linux.Processes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Overlay snapshots: the image's layers as read-only lower directories (shared, see
 * {@link LayerSnapshots}) and per container an upper and work directory, mounted on
 * {@code merged}.
 *
 * <p>Long layer chains: the kernel takes mount options in one page (4096 bytes), which absolute
 * lower paths exhaust after about 30 layers here. So each container directory holds {@code l/},
 * with one short symlink per layer ({@code l/0}, {@code l/1}, ... in base 36) to the layer's
 * fs, and the mount is made by mount(8) running with the container directory as its working
 * directory, with relative paths. The JVM never chdirs (that would affect all its threads).
 * Overlay resolves at most 500 lower layers, so that is the limit here as well.
 *
 * <p>Layer views (a container with a user namespace, see {@link LayerView}): each layer's view
 * is mounted on {@code v/0}, {@code v/1}, ..., the overlay is made over those, and the views are
 * detached again at once: overlay keeps private clones of its layers' mounts (idmapping
 * included), so only the overlay itself stays mounted, as without views. The upper directory's
 * root is then owned by the container's root as the host sees it, so that the container's root
 * owns its "/" (overlay shows the upper root's owner there).
 */
public final class Snapshotter {
    public static final Path DEFAULT_ROOT = Path.of("/var/lib/vessel/snapshots");
    public static final int MAX_LAYERS = 500;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    private static final int PAGE = 4096;

    private final Path containers;
    private final LayerSnapshots layers;

    public Snapshotter(Path root, BlobStore blobs, UnpackOptions options) throws IOException {
        this.containers = root.resolve("containers");
        this.layers = new LayerSnapshots(root, blobs, options);
        Files.createDirectories(containers);
    }

    public LayerSnapshots layers() {
        return layers;
    }

    /** Unpacks the image's missing layers and creates the container's (unmounted) snapshot. */
    public ContainerSnapshot create(String id, Image image) throws IOException {
        return create(id, image, 0, 0);
    }

    /** As {@link #create(String, Image)}, with the root of the writable layer owned by {@code rootUid}:{@code rootGid}. */
    public ContainerSnapshot create(String id, Image image, long rootUid, long rootGid) throws IOException {
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("container id \"" + id + "\" must be 1-128 letters, digits, '_', '.' or '-'");
        }
        if (image.diffIds().size() > MAX_LAYERS) {
            throw new IOException("image " + image.id().shortId() + " has " + image.diffIds().size()
                    + " layers; overlayfs stacks at most " + MAX_LAYERS);
        }
        Path dir = containers.resolve(id);
        if (Files.exists(dir)) {
            throw new IOException("a snapshot for container \"" + id + "\" already exists");
        }
        List<Path> lowers = layers.prepare(image);
        List<Digest> chain = LayerSnapshots.chainIds(image.diffIds());
        Path tmp = containers.resolve(".new-" + id);
        LayerUnpacker.deleteTree(tmp);
        Files.createDirectories(tmp.resolve("l"));
        for (String d : List.of("upper", "work", "merged")) {
            Files.createDirectory(tmp.resolve(d));
        }
        if (rootUid != 0 || rootGid != 0) {
            Files.setAttribute(tmp.resolve("upper"), "unix:uid", Math.toIntExact(rootUid));
            Files.setAttribute(tmp.resolve("upper"), "unix:gid", Math.toIntExact(rootGid));
        }
        for (int i = 0; i < lowers.size(); i++) {
            Files.createSymbolicLink(tmp.resolve("l").resolve(Integer.toString(i, 36)), lowers.get(i));
        }
        AtomicFiles.write(tmp.resolve("chain.json"), OciJson.write(chain.stream().map(Digest::toString).toList()));
        Files.move(tmp, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return new ContainerSnapshot(id, dir, dir.resolve("merged"), chain);
    }

    public ContainerSnapshot get(String id) throws IOException {
        Path dir = containers.resolve(id);
        if (!ID.matcher(id).matches() || !Files.isDirectory(dir)) {
            throw new IOException("no snapshot for container \"" + id + "\"");
        }
        List<String> chain = OciJson.MAPPER.readValue(Files.readAllBytes(dir.resolve("chain.json")),
                new TypeReference<List<String>>() { });
        return new ContainerSnapshot(id, dir, dir.resolve("merged"), chain.stream().map(Digest::parse).toList());
    }

    public List<ContainerSnapshot> list() throws IOException {
        List<ContainerSnapshot> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(containers)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (!name.startsWith(".") && Files.exists(p.resolve("chain.json"))) {
                    out.add(get(name));
                }
            }
        }
        return out;
    }

    /** The overlay mount options, with relative paths valid from the snapshot's directory ({@code lowers}: "l" or "v"). */
    static String options(String lowers, int layerCount) {
        StringBuilder lower = new StringBuilder();
        for (int i = layerCount - 1; i >= 0; i--) { // overlay lists the topmost lower first
            lower.append(lower.isEmpty() ? "" : ":").append(lowers).append('/').append(Integer.toString(i, 36));
        }
        return "lowerdir=" + lower + ",upperdir=upper,workdir=work";
    }

    /** Mounts the container's root filesystem on {@link ContainerSnapshot#rootfs()}. */
    public void mount(ContainerSnapshot s) throws IOException {
        mountOverlay(s, "l");
    }

    /** As {@link #mount(ContainerSnapshot)}, with every layer presented through {@code view}. */
    public void mount(ContainerSnapshot s, LayerView view) throws IOException {
        Path views = s.dir().resolve("v");
        List<Path> mounted = new ArrayList<>();
        try {
            for (int i = 0; i < s.chain().size(); i++) {
                Path target = Files.createDirectories(views.resolve(Integer.toString(i, 36)));
                view.mount(layers.fs(s.chain().get(i)), target);
                mounted.add(target);
            }
            mountOverlay(s, "v");
        } catch (IOException | RuntimeException e) {
            for (Path p : mounted.reversed()) {
                try {
                    unmount(p, true);
                } catch (IOException again) {
                    e.addSuppressed(again);
                }
            }
            throw e;
        }
        for (Path p : mounted.reversed()) {
            unmount(p, true); // the overlay holds its own clones of them
        }
    }

    private void mountOverlay(ContainerSnapshot s, String lowers) throws IOException {
        String opts = options(lowers, s.chain().size());
        if (opts.length() >= PAGE) {
            throw new IOException("overlay options for " + s.chain().size() + " layers exceed one page");
        }
        ProcessBuilder pb = new ProcessBuilder("mount", "-t", "overlay", "overlay", "-o", opts, "merged")
                .directory(s.dir().toFile()).redirectErrorStream(true);
        Process p = pb.start();
        String out;
        try {
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("mount of container \"" + s.id() + "\" snapshot timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while mounting", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException("mounting the overlay for container \"" + s.id() + "\" failed (" + s.chain().size()
                    + " layers): " + out + (Processes.euid() == 0 ? "" : " (mounting needs root)"));
        }
    }

    public boolean isMounted(ContainerSnapshot s) throws IOException {
        return Mounts.targets().contains(s.rootfs().toRealPath().toString());
    }

    /** umount2, lazily ({@code MNT_DETACH}) when {@code detach}. */
    private static void unmount(Path target, boolean detach) throws IOException {
        try {
            Mounts.umount(target.toString(), detach ? Mounts.MNT_DETACH : 0);
        } catch (LinuxException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    public void unmount(ContainerSnapshot s) throws IOException {
        if (isMounted(s)) {
            unmount(s.rootfs(), false);
        }
    }

    /** Unmounts (if needed) and deletes the container's snapshot; its layers stay for reuse. */
    public void remove(String id) throws IOException {
        ContainerSnapshot s = get(id);
        unmount(s);
        // A crash between mounting a layer view and detaching it leaves the view mounted: deleting
        // the tree through it would delete the shared layer's files.
        for (Path p : Mounts.below(s.dir())) {
            unmount(p, true);
        }
        Path trash = containers.resolve(".rm-" + id);
        Files.move(s.dir(), trash, java.nio.file.StandardCopyOption.ATOMIC_MOVE); // gone from list() at once
        LayerUnpacker.deleteTree(trash);
    }

    /**
     * Removes layer snapshots that no container uses and that are not among {@code keepImages}'
     * chains (keeping images' layers unpacked makes the next run fast); returns the chain ids removed.
     */
    public List<Digest> collect(List<Image> keepImages) throws IOException {
        Set<Digest> keep = new HashSet<>();
        for (ContainerSnapshot c : list()) {
            keep.addAll(c.chain());
        }
        for (Image i : keepImages) {
            keep.addAll(LayerSnapshots.chainIds(i.diffIds()));
        }
        return layers.collect(keep);
    }
}
