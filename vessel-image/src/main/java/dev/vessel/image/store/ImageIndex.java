package dev.vessel.image.store;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;

/**
 * The names → manifest digest table ({@code <root>/index.json}). Every change is a
 * read-modify-write under a lock file (other processes) and a JVM lock (other threads, since
 * file locks are per process), and the file is replaced atomically.
 */
public final class ImageIndex {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ReentrantLock JVM_LOCK = new ReentrantLock();

    private final Path file;
    private final Path lockFile;

    public ImageIndex(Path root) throws IOException {
        Files.createDirectories(root);
        this.file = root.resolve("index.json");
        this.lockFile = root.resolve("index.lock");
    }

    public List<ImageRecord> images() throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        return JSON.readValue(file.toFile(), new TypeReference<List<ImageRecord>>() { });
    }

    public Optional<ImageRecord> byName(String name) throws IOException {
        return images().stream().filter(r -> r.names().contains(name)).findFirst();
    }

    public Optional<ImageRecord> byManifest(Digest manifest) throws IOException {
        return images().stream().filter(r -> r.manifest().equals(manifest.toString())).findFirst();
    }

    /** Applies {@code change} to the whole table atomically and returns the new table. */
    public List<ImageRecord> update(UnaryOperator<List<ImageRecord>> change) throws IOException {
        JVM_LOCK.lock();
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = ch.lock()) {
            List<ImageRecord> next = change.apply(new ArrayList<>(images()));
            AtomicFiles.write(file, JSON.writeValueAsBytes(next));
            return next;
        } finally {
            JVM_LOCK.unlock();
        }
    }

    /**
     * Records an image and points {@code names} at it; a name is unique, so it is first removed
     * from whichever image held it (that image may become dangling, as with {@code docker tag}).
     */
    public void put(Digest manifest, List<String> names) throws IOException {
        update(list -> {
            List<ImageRecord> out = new ArrayList<>();
            ImageRecord existing = null;
            for (ImageRecord r : list) {
                List<String> kept = r.names().stream().filter(n -> !names.contains(n)).toList();
                ImageRecord rr = new ImageRecord(r.manifest(), kept, r.added());
                if (r.manifest().equals(manifest.toString())) {
                    existing = rr;
                } else {
                    out.add(rr);
                }
            }
            List<String> merged = new ArrayList<>(existing == null ? List.of() : existing.names());
            names.stream().filter(n -> !merged.contains(n)).forEach(merged::add);
            out.add(new ImageRecord(manifest.toString(), merged,
                    existing == null ? Instant.now().toString() : existing.added()));
            return out;
        });
    }
}
