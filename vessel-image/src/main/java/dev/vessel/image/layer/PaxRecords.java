package dev.vessel.image.layer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The records of a PAX extended header ({@code "LEN key=value\n"}, LEN counting the whole
 * record in bytes) as raw bytes, for the one thing commons-compress cannot carry: xattr values.
 * The library decodes every value as UTF-8, which mangles binary values such as a
 * {@code security.capability} blob; Go's archive/tar (docker, podman, containerd, buildkit),
 * GNU tar and libarchive all write those bytes as they are.
 *
 * <p>Two spellings exist: {@code SCHILY.xattr.NAME=raw bytes} (star, GNU tar, Go) and
 * {@code LIBARCHIVE.xattr.URL-ENCODED-NAME=base64} (bsdtar, which writes both). Either gives the
 * same name and bytes; the later record wins, as it does for any repeated PAX keyword.
 */
final class PaxRecords {
    static final String SCHILY_XATTR = "SCHILY.xattr.";
    static final String LIBARCHIVE_XATTR = "LIBARCHIVE.xattr.";

    private PaxRecords() {
    }

    /**
     * The xattrs named in {@code data} (the content of one 'x' or 'g' entry), added to (and
     * overriding) {@code into}. An empty value is an empty xattr, as Go and GNU tar read it.
     */
    static void xattrs(byte[] data, Map<String, byte[]> into) throws IOException {
        int at = 0;
        while (at < data.length) {
            int space = at;
            long len = 0;
            while (space < data.length && data[space] >= '0' && data[space] <= '9' && len < Integer.MAX_VALUE) {
                len = len * 10 + (data[space++] - '0');
            }
            if (space == at || space >= data.length || data[space] != ' ' || len < space - at + 3
                    || len > data.length - at || data[at + (int) len - 1] != '\n') {
                throw new IOException("PAX header: malformed record at byte " + at + " (expected \"LEN key=value\\n\")");
            }
            int end = at + (int) len - 1; // the newline
            int eq = space + 1;
            while (eq < end && data[eq] != '=') {
                eq++;
            }
            if (eq == end) {
                throw new IOException("PAX header: record at byte " + at + " has no '='");
            }
            String key = new String(data, space + 1, eq - space - 1, StandardCharsets.UTF_8);
            byte[] value = java.util.Arrays.copyOfRange(data, eq + 1, end);
            if (key.startsWith(SCHILY_XATTR) && key.length() > SCHILY_XATTR.length()) {
                into.put(schilyName(key.substring(SCHILY_XATTR.length()), false), value);
            } else if (key.startsWith(LIBARCHIVE_XATTR) && key.length() > LIBARCHIVE_XATTR.length()) {
                String name = percentDecode(key.substring(LIBARCHIVE_XATTR.length()));
                try {
                    into.put(name, Base64.getDecoder().decode(value)); // libarchive omits the '=' padding; the decoder accepts that
                } catch (IllegalArgumentException e) {
                    throw new IOException("PAX header: " + key + " is not base64: " + e.getMessage(), e);
                }
            }
            at += (int) len;
        }
    }

    static Map<String, byte[]> xattrs(byte[] data) throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        xattrs(data, m);
        return m;
    }

    /**
     * A record's key ends at the first '=', so GNU tar writes '=' in an xattr name as %3D and '%'
     * as %25 (and reads them back); nothing else is escaped in this spelling.
     */
    static String schilyName(String name, boolean encode) {
        if (encode) {
            return name.replace("%", "%25").replace("=", "%3D");
        }
        return name.contains("%") ? name.replace("%3D", "=").replace("%25", "%") : name;
    }

    /** libarchive percent-encodes bytes <= 0x20, >= 0x7f, '%' and '=' in names; '+' is literal (not a URL form). */
    private static String percentDecode(String s) throws IOException {
        byte[] in = s.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '%') {
                int hi = i + 2 < in.length ? Character.digit(in[i + 1], 16) : -1;
                int lo = hi >= 0 ? Character.digit(in[i + 2], 16) : -1;
                if (lo < 0) {
                    throw new IOException("PAX header: " + LIBARCHIVE_XATTR + s + " has a bad %-escape");
                }
                out.write(hi * 16 + lo);
                i += 2;
            } else {
                out.write(in[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Appends one record; LEN counts its own digits, so it is found by growing until it fits. */
    static void append(ByteArrayOutputStream out, String key, byte[] value) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        int body = 1 + k.length + 1 + value.length + 1; // ' ' key '=' value '\n'
        int len = body + 1;
        while (len != body + Integer.toString(len).length()) {
            len = body + Integer.toString(len).length();
        }
        out.writeBytes(Integer.toString(len).getBytes(StandardCharsets.US_ASCII));
        out.write(' ');
        out.writeBytes(k);
        out.write('=');
        out.writeBytes(value);
        out.write('\n');
    }

    static void append(ByteArrayOutputStream out, String key, String value) {
        append(out, key, value.getBytes(StandardCharsets.UTF_8));
    }
}
