package dev.vessel.runtime.cli;

import dev.vessel.linux.Mounts;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The scratch space of an AOT training run ({@code aot-train} of vessel-runtime and vessel): a
 * temporary directory, with stdout and stderr silenced while it is open. {@link #close()}
 * restores the streams, detaches whatever a run cut short left mounted below the directory,
 * and deletes it: a training run leaves nothing behind and reports nothing.
 */
public final class TrainingScratch implements AutoCloseable {

    private final PrintStream out = System.out;
    private final PrintStream err = System.err;
    private final Path dir;

    private TrainingScratch(Path dir) {
        this.dir = dir;
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        System.setOut(quiet);
        System.setErr(quiet);
    }

    public static TrainingScratch open() throws IOException {
        return new TrainingScratch(Files.createTempDirectory("vessel-aot-train"));
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() {
        System.setOut(out);
        System.setErr(err);
        try {
            for (Path target : Mounts.below(dir)) {
                Mounts.umount(target.toString(), Mounts.MNT_DETACH);
            }
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        } catch (IOException | RuntimeException e) {
            // a leftover temporary directory is harmless; a training run has no one to tell
        }
    }
}
