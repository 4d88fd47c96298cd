package dev.vessel.image.snapshot;

import dev.vessel.image.Image;
import dev.vessel.image.ParallelJobs;
import dev.vessel.image.layer.LayerUnpacker;
import dev.vessel.image.layer.UnpackOptions;
import dev.vessel.image.layer.UnpackResult;
import dev.vessel.image.store.BlobStore;
import dev.vessel.image.store.Digest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Read-only layer snapshots: {@code <root>/layers/<chainid>/fs}, one per distinct layer chain,
 * shared by every image that has the same layers below (the chain id covers the layer and all
 * its parents, as in the OCI image spec, so equal ids mean equal lower stacks). A layer is
 * unpacked once, atomically, and its diff id is checked against the image config.
 */
public final class LayerSnapshots {
    private static final System.Logger LOG = System.getLogger(LayerSnapshots.class.getName());
    private final Path layers;
    private final BlobStore blobs;
    private final UnpackOptions options;

    public LayerSnapshots(Path root, BlobStore blobs, UnpackOptions options) throws IOException {
        this.layers = root.resolve("layers");
        this.blobs = blobs;
        this.options = options;
        Files.createDirectories(layers);
    }

    /** ChainID(L0) = DiffID(L0); ChainID(L0..Ln) = sha256(ChainID(L0..Ln-1) + " " + DiffID(Ln)). */
    public static List<Digest> chainIds(List<Digest> diffIds) {
        List<Digest> out = new ArrayList<>();
        Digest prev = null;
        for (Digest d : diffIds) {
            prev = prev == null ? d : Digest.of((prev + " " + d).getBytes(StandardCharsets.US_ASCII));
            out.add(prev);
        }
        return out;
    }

    public Path fs(Digest chainId) {
        return layers.resolve(chainId.hex()).resolve("fs");
    }

    /**
     * Unpacks whatever layers of {@code image} are missing; returns their fs dirs, base first.
     * Each layer goes into a directory of its own (overlay does the stacking), so missing layers
     * are unpacked in parallel, one per core.
     */
    public List<Path> prepare(Image image) throws IOException {
        List<Digest> diffIds = image.diffIds();
        if (diffIds.size() != image.manifest().layers().size()) {
            throw new IOException("image " + image.id().shortId() + ": the manifest has " + image.manifest().layers().size()
                    + " layers but the config lists " + diffIds.size() + " rootfs.diff_ids");
        }
        List<Digest> chains = chainIds(diffIds);
        List<Path> out = new ArrayList<>();
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < chains.size(); i++) {
            Path fs = fs(chains.get(i));
            if (!Files.isDirectory(fs)) {
                missing.add(i);
            }
            out.add(fs);
        }
        int threads = Math.min(missing.size(), Runtime.getRuntime().availableProcessors());
        if (threads <= 1) {
            for (int i : missing) {
                unpack(image.manifest().layers().get(i).blob(), diffIds.get(i), out.get(i));
            }
            return out;
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> jobs = new ArrayList<>();
            for (int i : missing) {
                jobs.add(pool.submit(() -> {
                    unpack(image.manifest().layers().get(i).blob(), diffIds.get(i), out.get(i));
                    return null;
                }));
            }
            ParallelJobs.awaitAll(jobs, "interrupted while unpacking");
        }
        return out;
    }

    private void unpack(Digest blob, Digest diffId, Path fs) throws IOException {
        UnpackResult r;
        try (InputStream in = blobs.open(blob)) {
            r = new LayerUnpacker(options).unpack(in, fs);
        } catch (IOException e) {
            if (Files.isDirectory(fs)) {
                return; // another process unpacked the same layer first: theirs is as good as ours
            }
            throw new IOException("unpacking layer " + blob + ": " + e.getMessage(), e);
        }
        if (!r.diffId().equals(diffId)) {
            LayerUnpacker.deleteTree(fs);
            throw new IOException("layer " + blob + " unpacks to diff id " + r.diffId()
                    + " but the image config says " + diffId + "; the image is corrupt");
        }
        // What could not be materialised here (device nodes or trusted.* without root, xattrs the
        // filesystem does not support) is a warning, as containerd's "ignored xattr", not a failure.
        for (String skip : r.skipped()) {
            LOG.log(System.Logger.Level.WARNING, "layer " + blob + ": skipped " + skip);
        }
    }

    /** Chain ids with a snapshot on disk. */
    public List<Digest> list() throws IOException {
        List<Digest> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(layers)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (name.length() == 64 && Files.isDirectory(p.resolve("fs"))) {
                    out.add(new Digest("sha256", name));
                }
            }
        }
        return out;
    }

    /** Removes snapshots whose chain id is not in {@code keep}; returns the chain ids removed. */
    public List<Digest> collect(Set<Digest> keep) throws IOException {
        List<Digest> removed = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(layers)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (name.startsWith(".unpack-")) {
                    continue; // an unpack in progress (or a crash's leftover; its owner removes it)
                }
                Digest d;
                try {
                    d = new Digest("sha256", name);
                } catch (IllegalArgumentException foreign) {
                    continue;
                }
                if (!keep.contains(d)) {
                    LayerUnpacker.deleteTree(p);
                    removed.add(d);
                }
            }
        }
        return removed;
    }

    /** Apparent size of all layer snapshots (hard-linked files counted once per link). */
    public long bytes() throws IOException {
        try (var s = Files.walk(layers)) {
            return s.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        }
    }
}
