package dev.vessel.runtime.state;

import dev.vessel.runtime.RuntimeError;
import dev.vessel.runtime.spec.SpecJson;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The runtime's state directory: {@code ROOT/ID/state.json} (written atomically: temp file,
 * fsync, rename), {@code ROOT/ID/config.json} (the bundle's config as it was at create), the
 * exec fifo, and {@code ROOT/ID/lock}, an fcntl lock taken by every verb that changes the
 * container so two invocations never interleave.
 */
public final class StateStore {

    public static final String STATE_FILE = "state.json";
    public static final String CONFIG_FILE = "config.json";
    public static final String EXEC_FIFO = "exec.fifo";

    private final Path root;

    public StateStore(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    public Path dir(String id) {
        return root.resolve(id);
    }

    /** Creates ROOT/ID exclusively; a second container with the same id is refused. */
    public Path create(String id) {
        try {
            Files.createDirectories(root);
            // 0711: a container's user may need to reach the exec fifo inside (see vessel-init).
            Files.createDirectory(dir(id), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
            return dir(id);
        } catch (FileAlreadyExistsException e) {
            throw new RuntimeError("container \"" + id + "\" already exists (under " + root + "); pick another id or delete it first");
        } catch (IOException e) {
            throw new RuntimeError("container \"" + id + "\": cannot create state directory " + dir(id) + ": " + e.getMessage());
        }
    }

    public boolean exists(String id) {
        return Files.isRegularFile(dir(id).resolve(STATE_FILE));
    }

    public ContainerState load(String id) {
        Path f = dir(id).resolve(STATE_FILE);
        try {
            return SpecJson.read(Files.readAllBytes(f), ContainerState.class);
        } catch (NoSuchFileException e) {
            throw RuntimeError.notFound(id);
        } catch (IOException e) {
            throw new RuntimeError("container \"" + id + "\": unreadable state " + f + ": " + e.getMessage());
        }
    }

    public void save(ContainerState state) {
        writeAtomically(dir(state.id()).resolve(STATE_FILE), toJson(state));
    }

    /** Compact JSON of one of Vessel's own records (state.json, the state on a hook's stdin). */
    public static byte[] toJson(Object o) {
        return SpecJson.compact(o);
    }

    /** temp file in the same directory, fsync, rename over the target, fsync the directory. */
    public static void writeAtomically(Path target, byte[] bytes) {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap(bytes));
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            try (FileChannel d = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException ignored) {
                // Some filesystems refuse fsync on a directory; the rename is still atomic.
            }
        } catch (IOException e) {
            throw new RuntimeError("cannot write " + target + ": " + e.getMessage());
        }
    }

    /** Exclusive lock on the container; released by closing the result. */
    public Lock lock(String id) {
        Path f = dir(id).resolve("lock");
        try {
            FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            return new Lock(ch, ch.lock());
        } catch (NoSuchFileException e) {
            throw RuntimeError.notFound(id);
        } catch (IOException e) {
            throw new RuntimeError("container \"" + id + "\": cannot lock " + f + ": " + e.getMessage());
        }
    }

    public List<String> ids() {
        List<String> ids = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return ids;
        }
        try (Stream<Path> s = Files.list(root)) {
            s.filter(p -> Files.isRegularFile(p.resolve(STATE_FILE)))
                    .map(p -> p.getFileName().toString()).sorted().forEach(ids::add);
        } catch (IOException e) {
            throw new RuntimeError("cannot list " + root + ": " + e.getMessage());
        }
        return ids;
    }

    /** Removes ROOT/ID and everything in it. */
    public void remove(String id) {
        Path d = dir(id);
        if (!Files.exists(d)) {
            return;
        }
        try (Stream<Path> s = Files.walk(d)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new RuntimeError("container \"" + id + "\": cannot remove state " + d + ": " + e.getMessage());
        }
    }

    public record Lock(FileChannel channel, FileLock lock) implements AutoCloseable {
        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Closing releases the lock; nothing else to do if close itself fails.
            }
        }
    }
}
