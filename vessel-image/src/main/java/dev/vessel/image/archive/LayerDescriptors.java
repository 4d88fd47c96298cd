package dev.vessel.image.archive;

import dev.vessel.image.layer.Compression;
import dev.vessel.image.oci.Descriptor;
import dev.vessel.image.oci.MediaTypes;
import dev.vessel.image.store.BlobStore;
import dev.vessel.image.store.Digest;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;

/** Describing a stored layer blob: its OCI media type (from its magic bytes) and its diff id. */
public final class LayerDescriptors {
    private LayerDescriptors() {
    }

    public static Compression compressionOf(BlobStore store, Digest layer) throws IOException {
        try (BufferedInputStream in = new BufferedInputStream(java.nio.file.Files.newInputStream(store.path(layer)))) {
            return Compression.detect(in);
        }
    }

    public static Descriptor describe(BlobStore store, Digest layer) throws IOException {
        String type = switch (compressionOf(store, layer)) {
            case NONE -> MediaTypes.OCI_LAYER;
            case GZIP -> MediaTypes.OCI_LAYER_GZIP;
            case ZSTD -> MediaTypes.OCI_LAYER_ZSTD;
        };
        return new Descriptor(type, layer, store.size(layer));
    }

    /** The sha256 of the uncompressed tar stream (reads, and so verifies, the whole blob). */
    public static Digest diffId(BlobStore store, Digest layer) throws IOException {
        MessageDigest sha = Digest.newSha256();
        try (InputStream raw = store.open(layer);
             BufferedInputStream b = new BufferedInputStream(raw, 1 << 16);
             InputStream tar = new DigestInputStream(Compression.detect(b).decompress(b), sha)) {
            tar.transferTo(OutputStream.nullOutputStream());
            raw.transferTo(OutputStream.nullOutputStream());
        }
        return Digest.fromHash(sha.digest());
    }
}
