package dev.vessel.image.layer;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * commons-compress's tar writer (ustar headers, content, padding) with the PAX extended header
 * of each entry written here, so that xattr values go out as raw bytes: the library encodes
 * PAX values as UTF-8 text, which cannot carry a {@code security.capability} blob.
 *
 * <p>Each entry gets at most one 'x' header holding everything that needs one: path and
 * linkpath (non-ASCII or 100 bytes and longer), size, uid, gid and device numbers that do not
 * fit their octal fields, a sub-second or out-of-range mtime, and {@code SCHILY.xattr.NAME}
 * records. One header, not two: Go's archive/tar keeps only the last 'x' header before an entry,
 * so the library's own header must not follow ours. It writes one only for long or non-ASCII
 * names (off: LONGFILE_TRUNCATE and no non-ASCII headers, the ustar field then holds a
 * truncated name that the PAX path overrides), big numbers (off: BIGNUMBER_STAR, base-256 in
 * the ustar field, which Go and GNU tar read too) and extra PAX headers (cleared). Should a
 * library version write one anyway, {@link #putArchiveEntry(TarArchiveEntry)} refuses it.
 */
final class PaxTarOutputStream extends TarArchiveOutputStream {
    private static final long MAX_OCTAL_ID = TarConstants.MAXID;
    private boolean putting;

    PaxTarOutputStream(OutputStream out) {
        super(out, StandardCharsets.UTF_8.name());
        setLongFileMode(LONGFILE_TRUNCATE);
        setBigNumberMode(BIGNUMBER_STAR);
        setAddPaxHeadersForNonAsciiNames(false);
    }

    /** An entry without xattrs (and the library's re-entry, which is refused when it is a PAX header of its own). */
    @Override
    public void putArchiveEntry(TarArchiveEntry e) throws IOException {
        if (putting && (e.isPaxHeader() || e.isGlobalPaxHeader())) {
            throw new IllegalStateException("tar entry " + e.getName() + ": commons-compress wrote a PAX header of its "
                    + "own after Vessel's (readers keep only one); this library version needs PaxTarOutputStream updated");
        }
        putArchiveEntry(e, Map.of());
    }

    /** Writes {@code e}'s header, preceded by a PAX header when it needs one; then write its content and close it. */
    void putArchiveEntry(TarArchiveEntry e, Map<String, byte[]> xattrs) throws IOException {
        byte[] records = records(e, xattrs);
        // Not for a layer: atime/ctime would land in the ustar prefix field in BIGNUMBER_STAR mode.
        e.setLastAccessTime(null);
        e.setStatusChangeTime(null);
        e.setCreationTime(null);
        e.clearExtraPaxHeaders();
        if (records.length > 0) {
            TarArchiveEntry x = new TarArchiveEntry(paxName(e.getName()), TarConstants.LF_PAX_EXTENDED_HEADER_LC);
            x.setSize(records.length);
            x.setMode(0644);
            long t = e.getLastModifiedTime().toInstant().getEpochSecond();
            x.setModTime(FileTime.from(Instant.ofEpochSecond(Math.clamp(t, 0, TarConstants.MAXSIZE))));
            super.putArchiveEntry(x);
            write(records);
            closeArchiveEntry();
        }
        putting = true;
        try {
            super.putArchiveEntry(e);
        } finally {
            putting = false;
        }
    }

    private static byte[] records(TarArchiveEntry e, Map<String, byte[]> xattrs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (needsPax(e.getName())) {
            PaxRecords.append(out, "path", e.getName());
        }
        String link = e.getLinkName();
        if (link != null && !link.isEmpty() && needsPax(link)) {
            PaxRecords.append(out, "linkpath", link);
        }
        number(out, "size", e.getSize(), TarConstants.MAXSIZE);
        number(out, "uid", e.getLongUserId(), MAX_OCTAL_ID);
        number(out, "gid", e.getLongGroupId(), MAX_OCTAL_ID);
        number(out, "SCHILY.devmajor", e.getDevMajor(), MAX_OCTAL_ID);
        number(out, "SCHILY.devminor", e.getDevMinor(), MAX_OCTAL_ID);
        Instant t = e.getLastModifiedTime().toInstant();
        if (t.getNano() != 0 || t.getEpochSecond() < 0 || t.getEpochSecond() > TarConstants.MAXSIZE) {
            BigDecimal s = BigDecimal.valueOf(t.getEpochSecond()).add(BigDecimal.valueOf(t.getNano(), 9));
            PaxRecords.append(out, "mtime", s.stripTrailingZeros().toPlainString());
        }
        // Sorted, so the same files always give the same layer bytes (and diff id).
        new TreeMap<>(xattrs).forEach((name, value) -> PaxRecords.append(out,
                PaxRecords.SCHILY_XATTR + PaxRecords.schilyName(name, true), value));
        return out.toByteArray();
    }

    private static void number(ByteArrayOutputStream out, String key, long value, long max) {
        if (value < 0 || value > max) {
            PaxRecords.append(out, key, Long.toString(value));
        }
    }

    /** The ustar name field holds 100 bytes of ASCII without loss; anything else needs the PAX path. */
    private static boolean needsPax(String name) {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        return b.length >= TarConstants.NAMELEN || b.length != name.length();
    }

    /** GNU tar's spelling ("PaxHeaders/NAME"), kept to printable ASCII and the ustar name field. */
    private static String paxName(String name) {
        String base = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        base = base.substring(base.lastIndexOf('/') + 1);
        StringBuilder b = new StringBuilder("PaxHeaders/");
        for (int i = 0; i < base.length() && b.length() < TarConstants.NAMELEN - 1; i++) {
            char c = base.charAt(i);
            b.append(c > ' ' && c < 0x7f ? c : '_');
        }
        return b.toString();
    }
}
