package dev.vessel.image.archive;

import dev.vessel.image.layer.LayerException;
import dev.vessel.image.store.BlobStore;
import dev.vessel.image.store.Digest;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The files of an image archive (docker-archive or oci-archive tar, or an OCI layout directory),
 * read in one pass: small metadata files are kept in memory, everything else goes straight into
 * the blob store (verified against its name when it sits under {@code blobs/sha256/}), so a
 * multi-gigabyte archive is never unpacked to a scratch directory first.
 */
final class ArchiveContents {
    private static final long SMALL = 4 << 20;
    /** Past this much metadata held in memory, further members go to the store (an archive of many "small" files). */
    private static final long SMALL_TOTAL = 64 << 20;
    private long smallBytes;
    private final Map<String, byte[]> small = new HashMap<>();
    private final Map<String, Digest> blobs = new HashMap<>();
    private final Map<String, String> links = new HashMap<>();
    private final String what;

    private ArchiveContents(String what) {
        this.what = what;
    }

    static ArchiveContents readTar(InputStream in, String what, BlobStore store, long maxBytes) throws IOException {
        ArchiveContents c = new ArchiveContents(what);
        TarArchiveInputStream tar = new TarArchiveInputStream(in);
        for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
            String name = normalise(e.getName());
            if (e.isSymbolicLink() || e.isLink()) {
                // docker save links a repeated layer to its first copy
                String target = e.isSymbolicLink() ? resolveRelative(name, e.getLinkName()) : normalise(e.getLinkName());
                c.links.put(name, target);
            } else if (!e.isDirectory()) {
                c.add(name, tar, e.getSize(), store, maxBytes);
            }
        }
        return c;
    }

    static ArchiveContents readDirectory(Path dir, BlobStore store, long maxBytes) throws IOException {
        ArchiveContents c = new ArchiveContents(dir.toString());
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.toList()) {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    try (InputStream in = Files.newInputStream(p)) {
                        c.add(dir.relativize(p).toString(), in, Files.size(p), store, maxBytes);
                    }
                }
            }
        }
        return c;
    }

    private void add(String name, InputStream in, long size, BlobStore store, long maxBytes) throws IOException {
        Optional<Digest> expected = Optional.empty();
        if (name.startsWith("blobs/sha256/")) {
            expected = Optional.of(new Digest("sha256", name.substring("blobs/sha256/".length())));
        }
        if (expected.isEmpty() && size <= SMALL && smallBytes + size <= SMALL_TOTAL && !name.endsWith(".tar")) {
            smallBytes += size;
            small.put(name, in.readNBytes((int) size));
        } else {
            blobs.put(name, store.put(in, expected, maxBytes));
        }
    }

    private static String normalise(String name) throws LayerException {
        String n = name;
        while (n.startsWith("./")) {
            n = n.substring(2);
        }
        if (n.startsWith("/") || n.equals("..") || n.startsWith("../") || n.contains("/../")) {
            throw new LayerException(name, "archive member names must be relative and stay inside the archive");
        }
        return n;
    }

    private static String resolveRelative(String name, String target) throws LayerException {
        int slash = name.lastIndexOf('/');
        Path base = Path.of(slash < 0 ? "" : name.substring(0, slash));
        return normalise(base.resolve(target).normalize().toString());
    }

    private String follow(String name) {
        for (int hops = 0; links.containsKey(name) && hops < 16; hops++) {
            name = links.get(name);
        }
        return name;
    }

    boolean has(String name) {
        String n = follow(name);
        return small.containsKey(n) || blobs.containsKey(n);
    }

    /** A metadata file's bytes (or a blob's, read back from the store). */
    byte[] bytes(String name, BlobStore store) throws IOException {
        String n = follow(name);
        if (small.containsKey(n)) {
            return small.get(n);
        }
        if (blobs.containsKey(n)) {
            return store.read(blobs.get(n));
        }
        throw missing(name);
    }

    /** The digest of a member, putting it into the store if it was held in memory. */
    Digest blob(String name, BlobStore store) throws IOException {
        String n = follow(name);
        if (blobs.containsKey(n)) {
            return blobs.get(n);
        }
        if (small.containsKey(n)) {
            Digest d = store.put(small.get(n));
            blobs.put(n, d);
            return d;
        }
        throw missing(name);
    }

    List<String> names() {
        return Stream.concat(small.keySet().stream(), blobs.keySet().stream()).sorted().toList();
    }

    private IOException missing(String name) {
        return new IOException(what + ": the archive has no member \"" + name + "\"");
    }
}
