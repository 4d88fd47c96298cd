package dev.vessel.image.registry;

import dev.vessel.image.store.AtomicFiles;
import dev.vessel.image.store.Digest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which repositories are known to hold a blob ({@code <root>/sources/<hex>}: one
 * {@code host/repository} per line), learnt from pulls and pushes. A push to another repository
 * on the same registry then asks for a cross-repository mount instead of uploading again.
 */
public final class BlobSources {
    private final Path dir;

    public BlobSources(Path storeRoot) throws IOException {
        this.dir = storeRoot.resolve("sources");
        Files.createDirectories(dir);
    }

    public synchronized void add(Digest blob, String host, String repository) throws IOException {
        List<String> lines = list(blob);
        String entry = host + "/" + repository;
        if (!lines.contains(entry)) {
            lines.add(entry);
            AtomicFiles.write(dir.resolve(blob.hex()), (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    public synchronized List<String> list(Digest blob) throws IOException {
        Path f = dir.resolve(blob.hex());
        return Files.exists(f) ? new ArrayList<>(Files.readAllLines(f).stream().filter(l -> !l.isBlank()).toList())
                : new ArrayList<>();
    }

    /** A repository on {@code host}, other than {@code except}, that holds the blob. */
    public Optional<String> sameRegistry(Digest blob, String host, String except) throws IOException {
        String prefix = host + "/";
        return list(blob).stream().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length()))
                .filter(r -> !r.equals(except)).findFirst();
    }
}
