package dev.vessel.image;

/**
 * The numbers of {@code vessel system df}.
 *
 * @param images           images in the store (named and dangling)
 * @param imageBytes       size of all distinct blobs referenced by images (shared layers counted once)
 * @param reclaimableBytes blobs that prune would free: those only dangling images or nothing reference
 * @param snapshots        unpacked layer snapshots on disk
 * @param snapshotBytes    their apparent size
 */
public record DiskUsage(int images, long imageBytes, long reclaimableBytes, int snapshots, long snapshotBytes) {
}
