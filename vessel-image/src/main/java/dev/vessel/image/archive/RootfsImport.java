package dev.vessel.image.archive;

import dev.vessel.image.ImageStore;
import dev.vessel.image.oci.Descriptor;
import dev.vessel.image.oci.ImageConfig;
import dev.vessel.image.oci.Manifest;
import dev.vessel.image.oci.MediaTypes;
import dev.vessel.image.oci.OciJson;
import dev.vessel.image.ref.Reference;
import dev.vessel.image.store.BlobStore;
import dev.vessel.image.store.Digest;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@code vessel image import ROOTFS.tar [NAME]}: a filesystem tarball (plain, gzip or zstd)
 * becomes a one-layer image. The tarball is stored as it came; its diff id is computed by
 * reading it through, which also proves it is a readable tar before the image is named.
 */
public final class RootfsImport {
    private RootfsImport() {
    }

    public static LoadedImage importTar(InputStream rootfs, Optional<String> name, ImageConfig.Config runtime,
                                        ImageStore store, long maxBytes) throws IOException {
        BlobStore blobs = store.blobs();
        Digest layer = blobs.put(rootfs, Optional.empty(), maxBytes);
        try (InputStream in = dev.vessel.image.layer.Compression.open(blobs.open(layer))) {
            TarArchiveInputStream tar = new TarArchiveInputStream(in);
            int n = 0;
            while (tar.getNextEntry() != null) {
                n++;
            }
            if (n == 0) {
                throw new IOException("import: the file is not a tar archive, or an empty one");
            }
        }
        Digest diffId = LayerDescriptors.diffId(blobs, layer);
        String now = Instant.now().toString();
        ImageConfig config = new ImageConfig(now, null, "amd64", "linux", null, runtime,
                new ImageConfig.RootFs("layers", List.of(diffId.toString())),
                List.of(new ImageConfig.History(now, "vessel image import", null, "imported from a rootfs tarball", null)));
        byte[] configJson = OciJson.write(config);
        Digest configDigest = blobs.put(configJson);
        Manifest m = Manifest.oci(new Descriptor(MediaTypes.OCI_CONFIG, configDigest, configJson.length),
                List.of(LayerDescriptors.describe(blobs, layer)));
        List<String> names = name.map(n -> List.of(Reference.parse(n).toString())).orElse(List.of());
        Digest md = store.commit(OciJson.write(m), names);
        return new LoadedImage(md, names.stream().map(n -> Reference.parse(n).familiar()).toList());
    }
}
