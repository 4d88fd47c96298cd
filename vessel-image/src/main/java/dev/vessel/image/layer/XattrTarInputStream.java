package dev.vessel.image.layer;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * commons-compress's tar reader, plus each entry's xattrs exactly as the archive holds them
 * ({@link #xattrs()}); everything else about the tar format stays the library's.
 *
 * <p>Why a subclass and how it hooks in: the library reads the content of a PAX header
 * ('x', and 'g' for global) with {@code TarUtils.parsePaxHeaders(this, ...)}, i.e. through this
 * stream's own {@code read} while that header is the current entry, and then calls
 * {@code getNextEntry()} to reach the entry it describes (commons-compress 1.28
 * {@code TarArchiveInputStream.paxHeaders} / {@code readGlobalPaxHeaders}). Overriding
 * {@code read(byte[], int, int)} (which {@code read()} and the skip of leftovers also go through)
 * keeps a copy of those bytes; the nested {@code getNextEntry()} marks the header's end, and the
 * copy is parsed by {@link PaxRecords}. The copy must be as long as the header says: if a
 * later library version read PAX content some other way, unpacking fails loudly rather than
 * silently dropping xattrs (and the byte-exact tests fail).
 */
final class XattrTarInputStream extends TarArchiveInputStream {
    /** Go's archive/tar limit for a PAX header (maxSpecialFileSize): room for many 64 KiB xattrs, not for a bomb. */
    static final int MAX_PAX = 1 << 20;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private TarArchiveEntry capturing;
    private final Map<String, byte[]> global = new LinkedHashMap<>();
    private Map<String, byte[]> local = new LinkedHashMap<>();
    private Map<String, byte[]> current = Map.of();
    private int depth;

    XattrTarInputStream(InputStream in) {
        super(in, StandardCharsets.UTF_8.name());
    }

    /** Name to raw value of the current entry's xattrs (global headers first, its own header over them). */
    Map<String, byte[]> xattrs() {
        return current;
    }

    @Override
    public TarArchiveEntry getNextEntry() throws IOException {
        endOfPaxHeader();
        if (depth == 0) {
            local = new LinkedHashMap<>();
            current = Map.of();
        }
        depth++;
        TarArchiveEntry e;
        try {
            e = super.getNextEntry();
        } finally {
            depth--;
        }
        if (depth == 0 && e != null) {
            endOfPaxHeader(); // a header followed by nothing: the library has already refused it, but be exact
            Map<String, byte[]> m = new LinkedHashMap<>(global);
            m.putAll(local);
            current = Collections.unmodifiableMap(m);
        }
        return e;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        TarArchiveEntry e = getCurrentEntry();
        if (n > 0 && e != null && (e.isPaxHeader() || e.isGlobalPaxHeader())) {
            if (capturing != e) {
                endOfPaxHeader();
                capturing = e;
            }
            if (captured.size() + n > MAX_PAX) {
                throw new LayerException(e.getName(), "PAX header larger than " + MAX_PAX + " bytes (Go's archive/tar "
                        + "refuses those too)");
            }
            captured.write(buf, off, n);
        }
        return n;
    }

    private void endOfPaxHeader() throws IOException {
        if (capturing == null) {
            return;
        }
        TarArchiveEntry h = capturing;
        byte[] data = captured.toByteArray();
        capturing = null;
        captured.reset();
        if (data.length != h.getSize()) {
            throw new IOException("PAX header " + h.getName() + ": read " + data.length + " of its " + h.getSize()
                    + " bytes; this commons-compress version reads PAX headers in a way Vessel does not expect");
        }
        PaxRecords.xattrs(data, h.isGlobalPaxHeader() ? global : local);
    }
}
