package dev.vessel.image.build;

import dev.vessel.image.layer.LayerWriter;
import dev.vessel.image.oci.OciJson;
import dev.vessel.image.store.AtomicFiles;
import dev.vessel.image.store.BlobStore;
import dev.vessel.image.store.Digest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The layer cache: {@code <root>/<key>.json} maps a step's key (the previous key, the
 * instruction and a digest of its inputs) to the layer it produced. An entry whose blob was
 * pruned is a miss, never an error.
 */
public final class BuildCache {
    private record Entry(String blob, long size, String diffId) {
    }

    private final Path root;
    private final BlobStore blobs;

    public BuildCache(Path root, BlobStore blobs) throws IOException {
        this.root = root;
        this.blobs = blobs;
        Files.createDirectories(root);
    }

    public static Digest key(Digest previous, String instruction, String inputs) {
        return Digest.of((previous + "\n" + instruction + "\n" + inputs).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public Optional<LayerWriter.Layer> get(Digest key) throws IOException {
        Path f = root.resolve(key.hex() + ".json");
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        Entry e = OciJson.read(Files.readAllBytes(f), Entry.class, "build cache entry " + f);
        Digest blob = Digest.parse(e.blob());
        return blobs.exists(blob) ? Optional.of(new LayerWriter.Layer(blob, e.size(), Digest.parse(e.diffId())))
                : Optional.empty();
    }

    public void put(Digest key, LayerWriter.Layer layer) throws IOException {
        AtomicFiles.write(root.resolve(key.hex() + ".json"),
                OciJson.write(new Entry(layer.blob().toString(), layer.size(), layer.diffId().toString())));
    }
}
