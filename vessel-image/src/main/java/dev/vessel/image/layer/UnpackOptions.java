package dev.vessel.image.layer;

import dev.vessel.linux.Processes;

/**
 * @param maxBytes   limit on the uncompressed content of all regular files (a decompression bomb
 *                   or a header claiming a huge size fails before anything large is written)
 * @param maxEntries limit on the number of tar entries (inode exhaustion)
 * @param privileged create device nodes and overlay whiteouts, chown, set trusted.* xattrs;
 *                   without it device nodes are skipped and reported, ownership is left as is
 */
public record UnpackOptions(long maxBytes, long maxEntries, boolean privileged) {
    public static final long DEFAULT_MAX_BYTES = 64L << 30;
    public static final long DEFAULT_MAX_ENTRIES = 4_000_000;

    public static UnpackOptions defaults() {
        return new UnpackOptions(DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES, Processes.euid() == 0);
    }

    public UnpackOptions withMaxBytes(long limit) {
        return new UnpackOptions(limit, maxEntries, privileged);
    }
}
