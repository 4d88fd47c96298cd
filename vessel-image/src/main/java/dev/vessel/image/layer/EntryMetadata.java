package dev.vessel.image.layer;

import dev.vessel.image.sys.NativeFs;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Ownership, mode, xattrs and times of one unpacked entry. The final path component is always
 * one the unpacker just created, so following it is safe for everything but symlinks, which get
 * only NOFOLLOW operations. (The JDK's NOFOLLOW mode change and its setTimes open the file,
 * which would block on a FIFO; that is why mode uses plain chmod and times use utimensat.)
 */
final class EntryMetadata {
    private static final String SCHILY = "SCHILY.xattr.";
    private static final String LIBARCHIVE = "LIBARCHIVE.xattr.";

    private EntryMetadata() {
    }

    static void apply(TarArchiveEntry e, Path p, UnpackOptions opt, List<String> skipped) throws IOException {
        boolean link = e.isSymbolicLink();
        if (opt.privileged()) {
            // chown before chmod: chown clears the setuid/setgid bits.
            Files.setAttribute(p, "unix:uid", (int) e.getLongUserId(), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(p, "unix:gid", (int) e.getLongGroupId(), LinkOption.NOFOLLOW_LINKS);
        }
        xattrs(e, p, opt, skipped);
        // A directory's mode and time are set after its content is written (finishDirectory):
        // a 0555 directory could not be filled by an unprivileged unpack, and writing changes mtime.
        if (!link && !e.isDirectory()) {
            Files.setAttribute(p, "unix:mode", e.getMode() & 07777);
        }
        if (!e.isDirectory()) {
            setTime(e, p);
        }
    }

    static void finishDirectory(TarArchiveEntry e, Path p) throws IOException {
        Files.setAttribute(p, "unix:mode", e.getMode() & 07777);
        setTime(e, p);
    }

    static void setTime(TarArchiveEntry e, Path p) throws IOException {
        NativeFs.setTimes(p, e.getLastModifiedTime().toInstant());
    }

    private static void xattrs(TarArchiveEntry e, Path p, UnpackOptions opt, List<String> skipped) throws IOException {
        for (Map.Entry<String, String> h : e.getExtraPaxHeaders().entrySet()) {
            String name;
            byte[] value;
            if (h.getKey().startsWith(SCHILY)) {
                name = h.getKey().substring(SCHILY.length());
                // PAX values are decoded as UTF-8 by the tar reader, so binary values (security.capability)
                // survive only if they were valid UTF-8; LIBARCHIVE.xattr (base64) carries them exactly.
                value = h.getValue().getBytes(StandardCharsets.UTF_8);
            } else if (h.getKey().startsWith(LIBARCHIVE)) {
                name = java.net.URLDecoder.decode(h.getKey().substring(LIBARCHIVE.length()), StandardCharsets.UTF_8);
                value = Base64.getDecoder().decode(h.getValue());
            } else {
                continue;
            }
            boolean needsPrivilege = name.startsWith("trusted.") || name.startsWith("security.");
            if (needsPrivilege && !opt.privileged()) {
                skipped.add(e.getName() + ": xattr " + name + " needs root");
                continue;
            }
            if (e.isSymbolicLink() && name.startsWith("user.")) {
                continue; // the kernel refuses user.* xattrs on symlinks
            }
            try {
                NativeFs.setXattr(p, name, value);
            } catch (IOException ex) {
                if (ex.getMessage().contains("EOPNOTSUPP")) {
                    skipped.add(e.getName() + ": xattr " + name + " not supported by the filesystem");
                } else {
                    throw new LayerException(e.getName(), ex.getMessage(), ex);
                }
            }
        }
    }
}
