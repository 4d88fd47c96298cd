package dev.vessel.engine.container;

import dev.vessel.image.ImageService;
import dev.vessel.runtime.RuntimeError;
import dev.vessel.runtime.spec.Spec;
import dev.vessel.runtime.spec.SpecJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * A container's bundle under /var/lib/vessel/containers/ID: the config.json that `vessel run`
 * derived and, with a user namespace, the record of its host id range ({@link UsernsAllocations});
 * the root filesystem is the container's snapshot (vessel-image), named by root.path.
 */
public record ContainerBundle(Path dir) {

    /** Claims the name: a second container with it is refused before anything else is made. */
    public static ContainerBundle reserve(Storage storage, String id) {
        dev.vessel.runtime.container.ContainerRuntime.validateId(id);
        Path dir = storage.containers().resolve(id);
        try {
            Files.createDirectories(storage.containers());
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            throw new RuntimeError("container name \"" + id + "\" is already in use: remove it (vessel rm " + id + ") or pick another");
        } catch (IOException e) {
            throw new RuntimeError("cannot create " + dir + ": " + e.getMessage());
        }
        return new ContainerBundle(dir);
    }

    /** The annotation that records the image a container was started from, as the user named it (shown by {@code vessel ps}). */
    public static final String IMAGE_ANNOTATION = "dev.vessel.image";

    /** The output of a container started with {@code vessel run -d}, in its directory. */
    public static final String LOG = "container.log";

    /** {@code spec} with {@link #IMAGE_ANNOTATION} added to its annotations. */
    public static Spec withImage(Spec spec, String image) {
        Map<String, String> a = new LinkedHashMap<>(spec.annotations() == null ? Map.of() : spec.annotations());
        a.put(IMAGE_ANNOTATION, image);
        return new Spec(spec.ociVersion(), spec.process(), spec.root(), spec.hostname(), spec.domainname(), spec.mounts(),
                spec.hooks(), a, spec.linux());
    }

    public void write(Spec spec) {
        try {
            Files.writeString(dir.resolve("config.json"), SpecJson.pretty(spec));
        } catch (IOException e) {
            throw new RuntimeError("cannot write " + dir.resolve("config.json") + ": " + e.getMessage());
        }
    }

    /** The arguments its process runs with, from its config.json; empty if that is gone or unreadable. */
    public List<String> processArgs() {
        try {
            Spec spec = SpecJson.read(Files.readAllBytes(dir.resolve("config.json")), Spec.class);
            return spec.process() == null || spec.process().args() == null ? List.of() : spec.process().args();
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /**
     * Copies the container's log to {@code out}; with {@code follow}, then what it writes
     * until {@code running} says it no longer runs (and what it wrote just before it ended).
     * No log yet: nothing.
     */
    public void copyLog(OutputStream out, boolean follow, BooleanSupplier running) throws IOException, InterruptedException {
        Path log = dir.resolve(LOG);
        if (!Files.exists(log)) {
            return;
        }
        try (InputStream in = Files.newInputStream(log)) {
            while (true) {
                in.transferTo(out);
                out.flush();
                if (!follow) {
                    return;
                }
                if (!running.getAsBoolean()) {
                    in.transferTo(out); // what it wrote between the last read and its exit
                    out.flush();
                    return;
                }
                Thread.sleep(50);
            }
        }
    }

    /**
     * Removes the container's snapshot (unmounting it first), then the bundle: the id range is
     * freed only once no file of the snapshot owned by it is left.
     */
    public void remove(ImageService images) {
        Images.removeSnapshot(images, dir.getFileName().toString());
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (java.nio.file.NoSuchFileException e) {
            // already gone
        } catch (IOException e) {
            throw new RuntimeError("cannot remove " + dir + ": " + e.getMessage());
        }
    }
}
