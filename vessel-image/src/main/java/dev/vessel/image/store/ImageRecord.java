package dev.vessel.image.store;

import java.util.List;

/**
 * One image known to the store: the digest of its (platform-specific) manifest and the names
 * that point at it. An image with no names is "dangling" and is removed by prune.
 *
 * @param manifest manifest digest as text (sha256:...)
 * @param names    fully qualified references, e.g. docker.io/library/busybox:latest
 * @param added    when the image entered the store (ISO-8601)
 */
public record ImageRecord(String manifest, List<String> names, String added) {
    public ImageRecord {
        names = List.copyOf(names);
    }

    public Digest manifestDigest() {
        return Digest.parse(manifest);
    }
}
