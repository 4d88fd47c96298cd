package dev.vessel.image.layer;

import dev.vessel.image.store.BlobStore;
import dev.vessel.image.store.BlobWriter;
import dev.vessel.image.store.Digest;
import dev.vessel.linux.LinuxException;
import dev.vessel.linux.Processes;
import dev.vessel.linux.Xattrs;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes a new layer (tar+gzip) straight into the blob store, computing both digests as it
 * goes: the blob's (compressed) and the diff id (uncompressed). Used by the builder for COPY
 * and ADD, and for turning a RUN step's overlay upper directory into a layer, where overlay's
 * 0/0 character devices become {@code .wh.NAME} and opaque directories {@code .wh..wh..opq}.
 */
public final class LayerWriter implements AutoCloseable {
    /** The layer written: blob digest and size, and the diff id for the image config. */
    public record Layer(Digest blob, long size, Digest diffId) {
    }

    /** Ownership and mode to force on copied files (COPY --chown / --chmod); null keeps the source's. */
    public record Forced(Integer uid, Integer gid, Integer mode) {
        public static final Forced NONE = new Forced(null, null, null);
    }

    private final BlobWriter blob;
    private final MessageDigest diff = Digest.newSha256();
    private final OutputStream gzip;
    private final PaxTarOutputStream tar;
    private final Set<String> written = new HashSet<>();
    private final Map<Object, String> inodes = new HashMap<>();

    public LayerWriter(BlobStore store) throws IOException {
        this.blob = store.writer(Optional.empty(), Long.MAX_VALUE);
        OutputStream sink = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                blob.write(new byte[]{(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                blob.write(b, off, len);
            }
        };
        this.gzip = Compression.GZIP.compress(sink);
        this.tar = new PaxTarOutputStream(new DigestOutputStream(gzip, diff));
    }

    /** Adds the directories of {@code dest} ("a/b/c" adds a/ and a/b/) that this layer lacks. */
    public void parents(String dest, FileTime mtime) throws IOException {
        String[] parts = dest.split("/");
        StringBuilder p = new StringBuilder();
        for (int i = 0; i < parts.length - 1; i++) {
            if (parts[i].isEmpty()) {
                continue;
            }
            p.append(parts[i]).append('/');
            if (written.add(p.toString())) {
                TarArchiveEntry e = new TarArchiveEntry(p.toString(), TarConstants.LF_DIR);
                e.setMode(0755);
                e.setModTime(mtime);
                tar.putArchiveEntry(e);
                tar.closeArchiveEntry();
            }
        }
    }

    /**
     * Adds {@code src} (a file, a symlink or a whole directory tree, never following links) as
     * {@code dest} in the layer. With {@code overlay}, whiteout devices and opaque directories
     * are translated back into their tar spelling.
     */
    public void add(Path src, String dest, Forced o, boolean overlay) throws IOException {
        add(src, dest, o, overlay, p -> true);
    }

    /** As {@link #add(Path, String, Forced, boolean)}, leaving out what {@code include} rejects (.dockerignore). */
    public void add(Path src, String dest, Forced o, boolean overlay, java.util.function.Predicate<Path> include)
            throws IOException {
        String base = strip(dest);
        if (!base.isEmpty()) {
            parents(base, Files.getLastModifiedTime(src, LinkOption.NOFOLLOW_LINKS));
        }
        try (Stream<Path> walk = Files.walk(src)) {
            for (Path p : walk.filter(include).sorted().toList()) {
                String rel = src.relativize(p).toString();
                String name = base.isEmpty() ? rel : rel.isEmpty() ? base : base + "/" + rel;
                if (!name.isEmpty()) {
                    entry(p, name, o, overlay);
                }
            }
        }
    }

    private static String strip(String dest) {
        String d = dest;
        while (d.startsWith("/")) {
            d = d.substring(1);
        }
        while (d.endsWith("/")) {
            d = d.substring(0, d.length() - 1);
        }
        return d;
    }

    private void entry(Path p, String name, Forced o, boolean overlay) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) a.get("mode");
        int type = mode & 0170000;
        FileTime mtime = (FileTime) a.get("lastModifiedTime");
        if (overlay && type == 0020000 && ((Number) a.get("rdev")).longValue() == 0) {
            int slash = name.lastIndexOf('/');
            plain(name.substring(0, slash + 1) + LayerUnpacker.WHITEOUT + name.substring(slash + 1), mtime);
            return;
        }
        TarArchiveEntry e;
        boolean isDir = type == 0040000;
        if (type == 0120000) {
            e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
            e.setLinkName(Files.readSymbolicLink(p).toString());
        } else if (isDir) {
            e = new TarArchiveEntry(name + "/", TarConstants.LF_DIR);
        } else if (type == 0100000) {
            Object inode = a.get("dev") + ":" + a.get("ino");
            String first = ((Integer) a.get("nlink")) > 1 ? inodes.putIfAbsent(inode, name) : null;
            if (first != null) {
                e = new TarArchiveEntry(name, TarConstants.LF_LINK);
                e.setLinkName(first);
            } else {
                e = new TarArchiveEntry(name, TarConstants.LF_NORMAL);
                e.setSize((Long) a.get("size"));
            }
        } else if (type == 0010000) {
            e = new TarArchiveEntry(name, TarConstants.LF_FIFO);
        } else if (type == 0020000 || type == 0060000) {
            e = new TarArchiveEntry(name, type == 0020000 ? TarConstants.LF_CHR : TarConstants.LF_BLK);
            long rdev = ((Number) a.get("rdev")).longValue();
            e.setDevMajor((int) (((rdev >> 8) & 0xfff) | ((rdev >> 32) & ~0xfffL)));
            e.setDevMinor((int) ((rdev & 0xff) | ((rdev >> 12) & ~0xffL)));
        } else {
            throw new IOException(p + ": cannot put a socket or unknown file type into a layer");
        }
        e.setMode(o.mode() != null && type != 0120000 ? o.mode() : mode & 07777);
        e.setUserId(o.uid() != null ? o.uid() : (Integer) a.get("uid"));
        e.setGroupId(o.gid() != null ? o.gid() : (Integer) a.get("gid"));
        e.setModTime(mtime);
        written.add(isDir ? name + "/" : name);
        // A hard link's inode, xattrs included, was described by its first name.
        tar.putArchiveEntry(e, e.isLink() ? Map.of() : xattrs(p));
        if (e.isFile() && e.getLinkFlag() == TarConstants.LF_NORMAL) {
            try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
                in.transferTo(tar);
            }
        }
        tar.closeArchiveEntry();
        if (overlay && isDir && opaque(p)) {
            plain(name + "/" + LayerUnpacker.OPAQUE, mtime);
        }
    }

    /**
     * The xattrs of {@code p} that a layer carries, sorted by name: all but overlayfs's own
     * trusted.overlay.* (a RUN step's upper directory has them; the opaque one is spelled
     * .wh..wh..opq instead) and security.selinux, a label of this host's policy that the
     * container's host relabels anyway (Docker omits it too).
     */
    public static Map<String, byte[]> xattrs(Path p) throws IOException {
        try {
            return carried(Xattrs.list(p.toString()));
        } catch (LinuxException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    static Map<String, byte[]> carried(Map<String, byte[]> xattrs) {
        Map<String, byte[]> out = new java.util.TreeMap<>(xattrs);
        out.keySet().removeIf(n -> n.startsWith("trusted.overlay.") || n.equals("security.selinux"));
        return out;
    }

    private static boolean opaque(Path dir) throws IOException {
        if (Processes.euid() != 0) {
            return false; // only root can have set trusted.* xattrs, and read them
        }
        byte[] v;
        try {
            v = Xattrs.get(dir.toString(), "trusted.overlay.opaque");
        } catch (LinuxException e) {
            throw new IOException(e.getMessage(), e);
        }
        return v != null && v.length == 1 && v[0] == 'y';
    }

    private void plain(String name, FileTime mtime) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_NORMAL);
        e.setModTime(mtime);
        e.setMode(0);
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
    }

    /** Adds the entries of another tar stream under {@code dest} (ADD of a local archive). */
    public void addArchive(InputStream archive, String dest) throws IOException {
        String base = strip(dest);
        var in = new XattrTarInputStream(Compression.open(archive));
        for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
            List<String> cs = LayerPaths.components(e.getName()); // refuses ".." and absolute names
            String rel = String.join("/", cs);
            String name = base.isEmpty() ? rel : rel.isEmpty() ? base : base + "/" + rel;
            if (name.isEmpty()) {
                continue;
            }
            parents(name, e.getLastModifiedTime());
            e.setName(e.isDirectory() ? name + "/" : name);
            if (e.isLink()) {
                String target = String.join("/", LayerPaths.components(e.getLinkName()));
                e.setLinkName(base.isEmpty() ? target : base + "/" + target);
            }
            tar.putArchiveEntry(e, carried(in.xattrs()));
            if (LayerUnpacker.regular(e)) {
                in.transferTo(tar);
            }
            tar.closeArchiveEntry();
        }
    }

    public Layer finish() throws IOException {
        tar.finish();
        tar.flush();
        gzip.close();
        Digest d = blob.commit();
        return new Layer(d, blob.offset(), Digest.fromHash(diff.digest()));
    }

    @Override
    public void close() throws IOException {
        blob.close();
    }
}
