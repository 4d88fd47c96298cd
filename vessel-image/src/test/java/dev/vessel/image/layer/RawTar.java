package dev.vessel.image.layer;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.ZipEncodingHelper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;

/**
 * Lays out a tar archive block by block, so a test controls every byte of a PAX header the way
 * Go's archive/tar or GNU tar write it (raw xattr values, 'g' headers), independently of the
 * writer under test. Only the 512-byte ustar header encoding is borrowed from commons-compress.
 */
final class RawTar {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** An 'x' (or 'g') header whose content is exactly {@code records}. */
    RawTar pax(byte type, byte[] records) {
        TarArchiveEntry h = new TarArchiveEntry("PaxHeaders/x", type);
        h.setSize(records.length);
        return put(h, records);
    }

    RawTar pax(byte[] records) {
        return pax(TarConstants.LF_PAX_EXTENDED_HEADER_LC, records);
    }

    RawTar file(String name, byte[] content) {
        TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_NORMAL);
        e.setSize(content.length);
        e.setMode(0644);
        e.setModTime(FileTime.from(TarBuilder.MTIME));
        return put(e, content);
    }

    RawTar file(String name, String content) {
        return file(name, content.getBytes(StandardCharsets.UTF_8));
    }

    RawTar symlink(String name, String target) {
        TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
        e.setLinkName(target);
        e.setMode(0777);
        e.setModTime(FileTime.from(TarBuilder.MTIME));
        return put(e, new byte[0]);
    }

    private RawTar put(TarArchiveEntry e, byte[] content) {
        byte[] header = new byte[512];
        try {
            e.writeEntryHeader(header, ZipEncodingHelper.getZipEncoding("UTF-8"), false);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        out.writeBytes(header);
        out.writeBytes(content);
        out.writeBytes(new byte[(512 - content.length % 512) % 512]);
        return this;
    }

    byte[] build() {
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    /** PAX records, each "LEN key=value\n" with raw value bytes. */
    static byte[] records(Object... keyValues) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < keyValues.length; i += 2) {
            Object v = keyValues[i + 1];
            PaxRecords.append(b, (String) keyValues[i], v instanceof byte[] bytes ? bytes : ((String) v).getBytes(StandardCharsets.UTF_8));
        }
        return b.toByteArray();
    }
}
