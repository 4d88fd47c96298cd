package dev.vessel.image.layer;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Layer compression, detected from the stream's magic bytes rather than trusted from the media
 * type (docker-archive layers carry no media type, and some registries mislabel them). The
 * codecs are the JDK's zlib and zstd-jni, never hand-written.
 */
public enum Compression {
    NONE, GZIP, ZSTD;

    /** Peeks at the first bytes of {@code in} (which must support mark/reset). */
    public static Compression detect(BufferedInputStream in) throws IOException {
        in.mark(4);
        byte[] m = in.readNBytes(4);
        in.reset();
        if (m.length >= 2 && (m[0] & 0xff) == 0x1f && (m[1] & 0xff) == 0x8b) {
            return GZIP;
        }
        if (m.length == 4 && (m[0] & 0xff) == 0x28 && (m[1] & 0xff) == 0xb5 && (m[2] & 0xff) == 0x2f
                && (m[3] & 0xff) == 0xfd) {
            return ZSTD;
        }
        return NONE;
    }

    public InputStream decompress(InputStream in) throws IOException {
        return switch (this) {
            case NONE -> in;
            case GZIP -> new GZIPInputStream(in, 1 << 16);
            case ZSTD -> new ZstdInputStream(in);
        };
    }

    public OutputStream compress(OutputStream out) throws IOException {
        return switch (this) {
            case NONE -> out;
            case GZIP -> new GZIPOutputStream(out, 1 << 16);
            case ZSTD -> new ZstdOutputStream(out);
        };
    }

    /** Detects and decompresses in one step. */
    public static InputStream open(InputStream raw) throws IOException {
        BufferedInputStream b = raw instanceof BufferedInputStream bb ? bb : new BufferedInputStream(raw, 1 << 16);
        return detect(b).decompress(b);
    }
}
