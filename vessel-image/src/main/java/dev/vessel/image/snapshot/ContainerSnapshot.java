package dev.vessel.image.snapshot;

import dev.vessel.image.store.Digest;

import java.nio.file.Path;
import java.util.List;

/**
 * A container's writable snapshot.
 *
 * @param id     the container id
 * @param dir    {@code <root>/containers/<id>}, holding upper, work, merged and the lower links
 * @param rootfs where the overlay is mounted: the container's root filesystem
 * @param chain  the read-only layers' chain ids, base first (they stay alive while this exists)
 */
public record ContainerSnapshot(String id, Path dir, Path rootfs, List<Digest> chain) {
}
