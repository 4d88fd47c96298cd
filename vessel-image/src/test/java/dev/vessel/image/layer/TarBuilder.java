package dev.vessel.image.layer;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;

/** Crafts tar archives (benign and hostile) in memory for the unpack tests. */
public final class TarBuilder {
    public static final Instant MTIME = Instant.parse("2020-02-02T02:02:02Z");
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes, StandardCharsets.UTF_8.name());

    public TarBuilder() {
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
    }

    private TarArchiveEntry entry(String name, byte flag) {
        // preserveAbsolutePath: hostile names must reach the archive exactly as written.
        TarArchiveEntry e = new TarArchiveEntry(name, flag, true);
        e.setModTime(FileTime.from(MTIME));
        return e;
    }

    public TarBuilder file(String name, String content, int mode) {
        return file(name, content.getBytes(StandardCharsets.UTF_8), mode, Map.of());
    }

    public TarBuilder file(String name, byte[] content, int mode, Map<String, String> pax) {
        TarArchiveEntry e = entry(name, TarConstants.LF_NORMAL);
        e.setMode(mode);
        e.setSize(content.length);
        pax.forEach(e::addPaxHeader);
        return put(e, content);
    }

    public TarBuilder dir(String name, int mode) {
        TarArchiveEntry e = entry(name.endsWith("/") ? name : name + "/", TarConstants.LF_DIR);
        e.setMode(mode);
        return put(e, null);
    }

    public TarBuilder symlink(String name, String target) {
        TarArchiveEntry e = entry(name, TarConstants.LF_SYMLINK);
        e.setLinkName(target);
        e.setMode(0777);
        return put(e, null);
    }

    public TarBuilder hardlink(String name, String target) {
        TarArchiveEntry e = entry(name, TarConstants.LF_LINK);
        e.setLinkName(target);
        return put(e, null);
    }

    public TarBuilder fifo(String name, int mode) {
        TarArchiveEntry e = entry(name, TarConstants.LF_FIFO);
        e.setMode(mode);
        return put(e, null);
    }

    public TarBuilder charDevice(String name, int major, int minor, int mode) {
        TarArchiveEntry e = entry(name, TarConstants.LF_CHR);
        e.setDevMajor(major);
        e.setDevMinor(minor);
        e.setMode(mode);
        return put(e, null);
    }

    public TarBuilder owned(String name, String content, int uid, int gid) {
        TarArchiveEntry e = entry(name, TarConstants.LF_NORMAL);
        e.setMode(0644);
        e.setUserId(uid);
        e.setGroupId(gid);
        byte[] c = content.getBytes(StandardCharsets.UTF_8);
        e.setSize(c.length);
        return put(e, c);
    }

    private TarBuilder put(TarArchiveEntry e, byte[] content) {
        try {
            tar.putArchiveEntry(e);
            if (content != null) {
                tar.write(content);
            }
            tar.closeArchiveEntry();
            return this;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    public byte[] build() {
        try {
            tar.finish();
            tar.close();
            return bytes.toByteArray();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** A lone header that claims {@code size} bytes of content that never follow (a "huge" entry). */
    public static byte[] lyingHeader(String name, long size) {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(size);
        e.setMode(0644);
        byte[] header = new byte[512];
        try {
            e.writeEntryHeader(header, org.apache.commons.compress.archivers.zip.ZipEncodingHelper.getZipEncoding("UTF-8"), true);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return header;
    }

    public static byte[] compress(Compression c, byte[] tar) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (OutputStream z = c.compress(out)) {
                z.write(tar);
            }
            return out.toByteArray();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
