package dev.vessel.image.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Content-addressed blob store: {@code <root>/blobs/sha256/<hex>}, the layout of an OCI image
 * layout's blob directory. A blob only becomes visible under its name after its content was
 * hashed, compared with the expected digest, fsynced and renamed into place; a crash mid-write
 * leaves at most a file in {@code <root>/ingest}, which {@link #cleanIngest} removes. Reads are
 * verified as they stream ({@link VerifyingInputStream}), so a blob corrupted on disk is detected
 * by whoever consumes it.
 */
public final class BlobStore {
    private final Path root;
    private final Path blobs;
    private final Path ingest;

    public BlobStore(Path root) throws IOException {
        this.root = root;
        this.blobs = root.resolve("blobs").resolve("sha256");
        this.ingest = root.resolve("ingest");
        Files.createDirectories(blobs);
        Files.createDirectories(ingest);
    }

    public Path root() {
        return root;
    }

    public boolean exists(Digest d) {
        return Files.isRegularFile(path(d));
    }

    public long size(Digest d) throws IOException {
        try {
            return Files.size(path(d));
        } catch (NoSuchFileException e) {
            throw missing(d);
        }
    }

    /** The file holding a committed blob; read it through {@link #open} unless you verify it yourself. */
    public Path path(Digest d) {
        return blobs.resolve(d.hex());
    }

    /** Opens a blob; the stream throws at end of file if the content does not hash to {@code d}. */
    public InputStream open(Digest d) throws IOException {
        try {
            return new VerifyingInputStream(Files.newInputStream(path(d)), d, Files.size(path(d)));
        } catch (NoSuchFileException e) {
            throw missing(d);
        }
    }

    public byte[] read(Digest d) throws IOException {
        try (InputStream in = open(d)) {
            return in.readAllBytes();
        }
    }

    public Digest put(byte[] content) throws IOException {
        Digest d = Digest.of(content);
        if (!exists(d)) {
            try (BlobWriter w = writer(Optional.of(d), Long.MAX_VALUE)) {
                if (!w.alreadyStored()) {
                    w.write(content, 0, content.length);
                    w.commit();
                }
            }
        }
        return d;
    }

    /** Copies a stream into the store; if {@code expected} is given the content must match it. */
    public Digest put(InputStream in, Optional<Digest> expected, long maxBytes) throws IOException {
        if (expected.isPresent() && exists(expected.get())) {
            return expected.get();
        }
        try (BlobWriter w = writer(expected, maxBytes)) {
            if (w.alreadyStored()) {
                return expected.orElseThrow();
            }
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                w.write(buf, 0, n);
            }
            return w.commit();
        }
    }

    /**
     * A writer for one blob. With an expected digest the partial file has a stable name, so a
     * download that was interrupted can resume from {@link BlobWriter#offset()} (HTTP Range).
     */
    public BlobWriter writer(Optional<Digest> expected, long maxBytes) throws IOException {
        Path partial = expected.isPresent()
                ? ingest.resolve(expected.get().hex() + ".partial")
                : Files.createTempFile(ingest, "blob-", ".partial");
        return new BlobWriter(this, partial, expected, maxBytes);
    }

    void commitFile(Path partial, Digest d) throws IOException {
        AtomicFiles.moveDurably(partial, path(d));
    }

    public boolean delete(Digest d) throws IOException {
        return Files.deleteIfExists(path(d));
    }

    public List<Digest> list() throws IOException {
        List<Digest> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(blobs)) {
            for (Path p : ds) {
                try {
                    out.add(new Digest("sha256", p.getFileName().toString()));
                } catch (IllegalArgumentException notABlob) {
                    // A foreign file in the blob directory is ignored, never deleted or served.
                }
            }
        }
        return out;
    }

    public FileTime modified(Digest d) throws IOException {
        return Files.getLastModifiedTime(path(d));
    }

    /** Removes partial writes older than {@code olderThanMillis} (left by crashes or aborted pulls). */
    public int cleanIngest(long olderThanMillis) throws IOException {
        long cutoff = System.currentTimeMillis() - olderThanMillis;
        int removed = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(ingest)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                // A lock file stays while its partial download exists: a writer may be holding it.
                boolean lockInUse = name.endsWith(".lock")
                        && Files.exists(p.resolveSibling(name.substring(0, name.length() - ".lock".length())));
                if (!lockInUse && Files.getLastModifiedTime(p).toMillis() < cutoff && Files.deleteIfExists(p)) {
                    removed++;
                }
            }
        }
        return removed;
    }

    private static IOException missing(Digest d) {
        return new NoSuchFileException("blob " + d + " is not in the image store (pull or load the image again)");
    }

    static UncheckedIOException unchecked(IOException e) {
        return new UncheckedIOException(e);
    }
}
