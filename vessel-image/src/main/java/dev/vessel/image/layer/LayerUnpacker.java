package dev.vessel.image.layer;

import dev.vessel.image.store.Digest;
import dev.vessel.linux.Inodes;
import dev.vessel.linux.Xattrs;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Unpacks one layer (tar, tar+gzip or tar+zstd) into a directory of its own, in the form an
 * overlayfs lower directory needs: {@code .wh.NAME} becomes a 0/0 character device NAME and
 * {@code .wh..wh..opq} becomes {@code trusted.overlay.opaque=y} on its directory.
 *
 * <p>All-or-nothing: the layer is written into a hidden sibling of the target and renamed onto
 * it only when every entry succeeded, so a hostile or truncated archive leaves nothing behind.
 */
public final class LayerUnpacker {
    static final String WHITEOUT = ".wh.";
    static final String OPAQUE = ".wh..wh..opq";

    private final UnpackOptions options;

    public LayerUnpacker(UnpackOptions options) {
        this.options = options;
    }

    /** Unpacks {@code layer} (compressed or not) into {@code target}, which must not exist yet. */
    public UnpackResult unpack(InputStream layer, Path target) throws IOException {
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("cannot unpack a layer into " + target + ": it already exists");
        }
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = parent.resolve(".unpack-" + target.getFileName() + "-" + UUID.randomUUID());
        Files.createDirectory(tmp);
        try {
            UnpackResult r = unpackInto(layer, tmp);
            Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return r;
        } catch (IOException | RuntimeException e) {
            deleteTree(tmp);
            throw e;
        }
    }

    private UnpackResult unpackInto(InputStream layer, Path root) throws IOException {
        MessageDigest sha = Digest.newSha256();
        InputStream decompressed = Compression.open(layer);
        DigestInputStream tarBytes = new DigestInputStream(decompressed, sha);
        LayerPaths paths = new LayerPaths(root);
        List<String> skipped = new ArrayList<>();
        List<Dir> dirs = new ArrayList<>();
        long bytes = 0;
        long entries = 0;
        XattrTarInputStream tar = new XattrTarInputStream(tarBytes);
        for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
            if (++entries > options.maxEntries()) {
                throw new LayerException(e.getName(), "more than " + options.maxEntries() + " entries (limit)");
            }
            if (regular(e) && bytes + e.getSize() > options.maxBytes()) {
                throw new LayerException(e.getName(), "size " + e.getSize() + " exceeds the unpack limit of "
                        + options.maxBytes() + " bytes (" + bytes + " already written)");
            }
            Path p = entry(e, paths, tar, skipped, dirs);
            if (p != null && regular(e)) {
                bytes += e.getSize();
            }
        }
        // The diff id covers the whole tar stream, end-of-archive padding included; reading the
        // compressed source to its end is also what makes the blob's own digest check fire.
        tarBytes.transferTo(OutputStream.nullOutputStream());
        layer.transferTo(OutputStream.nullOutputStream());
        // Deepest first, so setting a parent's time is not undone by touching its children.
        // (A directory listed twice is finished twice; the later entry wins, as with tar.)
        for (Dir d : dirs.reversed()) {
            EntryMetadata.finishDirectory(d.entry, d.path);
        }
        return new UnpackResult(Digest.fromHash(sha.digest()), bytes, entries, List.copyOf(skipped));
    }

    private record Dir(TarArchiveEntry entry, Path path) {
    }

    /** Materialises one entry; returns its path, or null if it was a whiteout or skipped. */
    private Path entry(TarArchiveEntry e, LayerPaths paths, XattrTarInputStream content, List<String> skipped,
                       List<Dir> dirs) throws IOException {
        String name = e.getName();
        List<String> cs = LayerPaths.components(name);
        String base = cs.isEmpty() ? "" : cs.getLast();
        if (base.startsWith(WHITEOUT)) {
            whiteout(name, base, paths);
            return null;
        }
        Path p = paths.resolveForWrite(name);
        if (e.isDirectory()) {
            BasicFileAttributes a = LayerPaths.attrs(p);
            if (a != null && !a.isDirectory()) {
                Files.delete(p);
                a = null;
            }
            if (a == null) {
                Files.createDirectory(p);
            }
            EntryMetadata.apply(e, content.xattrs(), p, options, skipped);
            dirs.add(new Dir(e, p));
            return p;
        }
        if (cs.isEmpty()) {
            throw new LayerException(name, "only a directory may stand for the layer root");
        }
        removeExisting(p);
        if (e.isSymbolicLink()) {
            // The target is stored verbatim: it is only ever resolved inside the container's root,
            // and this unpacker never follows links (see LayerPaths).
            Files.createSymbolicLink(p, Path.of(e.getLinkName()));
        } else if (e.isLink()) {
            Files.createLink(p, paths.resolveExisting(name, e.getLinkName()));
            return p; // a hard link shares the inode's metadata, which its target already set
        } else if (regular(e)) {
            writeFile(e, p, content);
        } else if (e.isFIFO()) {
            LayerException.onEntry(name, () -> Inodes.fifo(p.toString(), e.getMode()));
        } else if (e.isCharacterDevice() || e.isBlockDevice()) {
            if (!options.privileged()) {
                skipped.add(name + ": device node " + e.getDevMajor() + ":" + e.getDevMinor() + " needs root");
                return null;
            }
            LayerException.onEntry(name, () -> {
                if (e.isCharacterDevice()) {
                    Inodes.charDevice(p.toString(), e.getMode(), e.getDevMajor(), e.getDevMinor());
                } else {
                    Inodes.blockDevice(p.toString(), e.getMode(), e.getDevMajor(), e.getDevMinor());
                }
            });
        } else {
            throw new LayerException(name, "unsupported tar entry type '" + (char) linkFlag(e) + "'");
        }
        EntryMetadata.apply(e, content.xattrs(), p, options, skipped);
        return p;
    }

    private void writeFile(TarArchiveEntry e, Path p, InputStream content) throws IOException {
        try (OutputStream out = Files.newOutputStream(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            long copied = content.transferTo(out);
            if (copied != e.getSize()) {
                throw new LayerException(e.getName(), "archive truncated: " + copied + " of " + e.getSize() + " bytes");
            }
        }
    }

    private void whiteout(String name, String base, LayerPaths paths) throws IOException {
        if (base.equals(OPAQUE)) {
            Path dir = paths.resolveForWrite(name).getParent();
            requirePrivilege(name, "an opaque directory marker");
            LayerException.onEntry(name, () -> Xattrs.set(dir.toString(), "trusted.overlay.opaque",
                    "y".getBytes(StandardCharsets.US_ASCII)));
            return;
        }
        if (base.startsWith(WHITEOUT + WHITEOUT)) {
            return; // other .wh..wh. names are aufs bookkeeping with no meaning here
        }
        String hidden = base.substring(WHITEOUT.length());
        if (hidden.isEmpty() || hidden.equals(".") || hidden.equals("..")) {
            throw new LayerException(name, "whiteout of an invalid name \"" + hidden + "\"");
        }
        requirePrivilege(name, "a whiteout");
        Path p = paths.resolveForWrite(name).resolveSibling(hidden);
        removeExisting(p);
        LayerException.onEntry(name, () -> Inodes.charDevice(p.toString(), 0, 0, 0));
    }

    private void requirePrivilege(String name, String what) throws LayerException {
        if (!options.privileged()) {
            throw new LayerException(name, what + " becomes an overlayfs whiteout, which needs root (CAP_MKNOD, "
                    + "CAP_SYS_ADMIN for trusted.* xattrs); run as root");
        }
    }

    /** Later entries replace earlier ones with the same name, as with tar -x; never through a link. */
    private static void removeExisting(Path p) throws IOException {
        BasicFileAttributes a = LayerPaths.attrs(p);
        if (a != null) {
            if (a.isDirectory()) {
                deleteTree(p);
            } else {
                Files.delete(p);
            }
        }
    }

    /** A regular file by its type flag; commons-compress's isFile() also says yes to devices and links. */
    static boolean regular(TarArchiveEntry e) {
        byte f = e.getLinkFlag();
        return f == 0 || f == '0' || f == '7';
    }

    private static int linkFlag(TarArchiveEntry e) {
        return e.getLinkFlag() == 0 ? '?' : e.getLinkFlag();
    }

    /** Deletes a tree without following symlinks (walkFileTree does not follow by default). */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                // A directory unpacked with mode 0 or 0555 cannot be emptied until it is writable again.
                Files.setAttribute(dir, "unix:mode", 0700);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
