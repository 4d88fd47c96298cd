package dev.vessel.image;

import dev.vessel.image.oci.ImageConfig;
import dev.vessel.image.oci.Manifest;
import dev.vessel.image.store.Digest;

import java.util.List;

/**
 * An image in the store, resolved: its names, its manifest and its configuration.
 * {@link #id()} is the config digest, as {@code docker images} shows it.
 */
public record Image(List<String> names, Digest manifestDigest, Manifest manifest, Digest configDigest,
                    ImageConfig config, String added) {

    public Digest id() {
        return configDigest;
    }

    /** Compressed size as stored: config plus layers (what a pull downloads). */
    public long size() {
        long s = manifest.config().size();
        for (var l : manifest.layers()) {
            s += l.size();
        }
        return s;
    }

    /** The layers' uncompressed digests, base first: they name the snapshots. */
    public List<Digest> diffIds() {
        return config.rootfs().diffIds().stream().map(Digest::parse).toList();
    }
}
