package dev.vessel.image.layer;

import dev.vessel.linux.Errno;
import dev.vessel.linux.Inodes;
import dev.vessel.linux.LinuxException;
import dev.vessel.linux.Xattrs;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Ownership, mode, xattrs and times of one unpacked entry. The final path component is always
 * one the unpacker just created, so following it is safe for everything but symlinks, which get
 * only NOFOLLOW operations. (The JDK's NOFOLLOW mode change and its setTimes open the file,
 * which would block on a FIFO; that is why mode uses plain chmod and times use utimensat.)
 */
final class EntryMetadata {
    private static final String OVERLAY = "trusted.overlay.";

    private EntryMetadata() {
    }

    static void apply(TarArchiveEntry e, Map<String, byte[]> xattrs, Path p, UnpackOptions opt, List<String> skipped)
            throws IOException {
        boolean link = e.isSymbolicLink();
        if (opt.privileged()) {
            // chown before chmod: chown clears the setuid/setgid bits.
            Files.setAttribute(p, "unix:uid", (int) e.getLongUserId(), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(p, "unix:gid", (int) e.getLongGroupId(), LinkOption.NOFOLLOW_LINKS);
        }
        xattrs(e, xattrs, p, opt, skipped);
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
        Instant t = e.getLastModifiedTime().toInstant();
        LayerException.onEntry(e.getName(), () -> Inodes.setTimes(p.toString(), t, t));
    }

    /**
     * Sets the xattrs the archive gives (raw bytes, see {@link XattrTarInputStream}), after chown,
     * which would clear security.capability. What is not set is reported, as containerd logs an
     * "ignored xattr" rather than failing the pull: trusted.* and security.* without root, user.*
     * on a symlink (the kernel allows user.* only on files and directories), anything the
     * filesystem does not support (EOPNOTSUPP), and trusted.overlay.*, which is overlayfs's own
     * bookkeeping (opaque, redirect, origin): a layer says "opaque" with .wh..wh..opq, and lets
     * it point overlayfs at other files never. Any other refusal fails the unpack.
     */
    private static void xattrs(TarArchiveEntry e, Map<String, byte[]> xattrs, Path p, UnpackOptions opt,
                               List<String> skipped) throws IOException {
        for (Map.Entry<String, byte[]> x : xattrs.entrySet()) {
            String name = x.getKey();
            String why = null;
            if (name.startsWith(OVERLAY)) {
                why = "is overlayfs's own and never taken from a layer";
            } else if ((name.startsWith("trusted.") || name.startsWith("security.")) && !opt.privileged()) {
                why = "needs root";
            } else if (e.isSymbolicLink() && name.startsWith("user.")) {
                why = "cannot be set on a symlink";
            }
            if (why == null) {
                try {
                    Xattrs.set(p.toString(), name, x.getValue());
                } catch (LinuxException ex) {
                    if (!ex.is(Errno.EOPNOTSUPP)) {
                        throw new LayerException(e.getName(), "xattr " + name + ": " + ex.getMessage(), ex);
                    }
                    why = "is not supported by the filesystem";
                }
            }
            if (why != null) {
                skipped.add(e.getName() + ": xattr " + name + " " + why);
            }
        }
    }
}
