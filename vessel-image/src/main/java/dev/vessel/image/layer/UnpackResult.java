package dev.vessel.image.layer;

import dev.vessel.image.store.Digest;

import java.util.List;

/**
 * @param diffId  sha256 of the uncompressed tar stream (what an image config's diff_ids lists)
 * @param bytes   uncompressed size of the regular files written
 * @param entries tar entries processed
 * @param skipped entries not materialised and why (device nodes when unprivileged)
 */
public record UnpackResult(Digest diffId, long bytes, long entries, List<String> skipped) {
}
