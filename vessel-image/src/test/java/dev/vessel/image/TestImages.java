package dev.vessel.image;

import dev.vessel.image.layer.Compression;
import dev.vessel.image.oci.Descriptor;
import dev.vessel.image.oci.ImageConfig;
import dev.vessel.image.oci.Manifest;
import dev.vessel.image.oci.MediaTypes;
import dev.vessel.image.oci.OciJson;
import dev.vessel.image.store.Digest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Builds images from in-memory layer tars, gzip-compressed as registries serve them. */
public final class TestImages {
    private TestImages() {
    }

    public static Image build(ImageStore store, String name, List<byte[]> layerTars) throws IOException {
        List<Descriptor> layers = new ArrayList<>();
        List<String> diffIds = new ArrayList<>();
        for (byte[] tar : layerTars) {
            byte[] gz = dev.vessel.image.layer.TarBuilder.compress(Compression.GZIP, tar);
            Digest d = store.blobs().put(gz);
            layers.add(new Descriptor(MediaTypes.OCI_LAYER_GZIP, d, gz.length));
            diffIds.add(Digest.of(tar).toString());
        }
        ImageConfig config = new ImageConfig("2024-01-01T00:00:00Z", null, "amd64", "linux", null,
                new ImageConfig.Config(null, null, List.of("PATH=/bin"), null, List.of("sh"), null, null, null, null),
                new ImageConfig.RootFs("layers", diffIds), List.of());
        byte[] cfg = OciJson.write(config);
        Digest cd = store.blobs().put(cfg);
        Manifest m = Manifest.oci(new Descriptor(MediaTypes.OCI_CONFIG, cd, cfg.length), layers);
        store.commit(OciJson.write(m), List.of(name));
        return store.resolve(name);
    }
}
