package dev.vessel.image.build;

import dev.vessel.image.layer.Compression;
import dev.vessel.image.layer.LayerWriter;
import dev.vessel.image.store.BlobStore;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;

/**
 * COPY and ADD into a new layer, with Docker's rules: a directory source contributes its
 * content, a file lands in the destination directory when the destination ends in '/' (or
 * there are several sources) and is the destination otherwise; ADD unpacks local tar archives.
 */
final class CopyStep {
    private CopyStep() {
    }

    /**
     * Ownership and mode for copied files: root (0:0) unless {@code --chown}, as Docker does; a
     * uid without a gid uses the uid as gid (Docker's rule, not the user's primary group).
     */
    static LayerWriter.Forced forced(String chown, String chmod) {
        int uid = 0;
        int gid = 0;
        if (chown != null) {
            String[] p = chown.split(":", 2);
            if (!isNumericChown(chown)) {
                throw new IllegalArgumentException("--chown=" + chown + ": names need the stage's /etc/passwd");
            }
            uid = Integer.parseInt(p[0]);
            gid = p.length == 2 ? Integer.parseInt(p[1]) : uid;
        }
        return new LayerWriter.Forced(uid, gid, chmod == null ? null : Integer.parseInt(chmod, 8));
    }

    static boolean isNumericChown(String chown) {
        return chown.matches("[0-9]{1,10}(:[0-9]{1,10})?");
    }

    /**
     * A here-document as the file a COPY source names: mode 0644 and a fixed mtime, so that the
     * same text always gives the same layer.
     */
    static Path heredocFile(Path dir, String name, String content) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, content);
        Files.setAttribute(f, "unix:mode", 0644);
        Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(0));
        return f;
    }

    /** Writes the layer for one COPY/ADD whose sources have been resolved to paths. */
    static LayerWriter.Layer write(BlobStore blobs, List<Path> sources, String dest, boolean add,
                                   LayerWriter.Forced forced, Predicate<Path> include) throws IOException {
        boolean destIsDir = dest.endsWith("/") || sources.size() > 1;
        try (LayerWriter w = new LayerWriter(blobs)) {
            for (Path src : sources) {
                boolean dir = Files.isDirectory(src, LinkOption.NOFOLLOW_LINKS);
                if (dir) {
                    w.add(src, dest, forced, false, include);
                } else if (add && isArchive(src)) {
                    try (InputStream in = Files.newInputStream(src)) {
                        w.addArchive(in, dest);
                    }
                } else {
                    String target = destIsDir ? (dest.endsWith("/") ? dest : dest + "/") + src.getFileName() : dest;
                    w.add(src, target, forced, false);
                }
            }
            return w.finish();
        }
    }

    /** A tar, possibly compressed, recognised from its content as Docker does (not from its name). */
    static boolean isArchive(Path file) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (BufferedInputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            Compression c = Compression.detect(raw);
            InputStream in = c.decompress(raw);
            byte[] header = in.readNBytes(512);
            return header.length == 512 && new String(header, 257, 5, java.nio.charset.StandardCharsets.US_ASCII).equals("ustar");
        } catch (IOException notAnArchive) {
            return false;
        }
    }

    /** Resolves a path inside a stage's mounted root without following symlinks in its parents. */
    static Path insideRoot(Path root, String source) throws IOException {
        Path cur = root;
        String[] parts = source.split("/");
        for (int i = 0; i < parts.length; i++) {
            String c = parts[i];
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                throw new IllegalArgumentException("--from source \"" + source + "\" may not contain '..'");
            }
            cur = cur.resolve(c);
            if (i < parts.length - 1 && Files.isSymbolicLink(cur)) {
                throw new IllegalArgumentException("--from source \"" + source + "\" goes through the symlink /"
                        + root.relativize(cur) + "; name the link's target instead");
            }
        }
        if (!Files.exists(cur, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException("--from source \"" + source + "\" does not exist in that stage");
        }
        return cur;
    }
}
