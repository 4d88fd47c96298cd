package dev.vessel.linux;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An open descriptor of a user namespace with a given mapping and no process in it, as
 * mount_setattr(MOUNT_ATTR_IDMAP) wants one.
 *
 * <p>Why a helper process: a user namespace exists only while a process or a descriptor holds
 * it, and the kernel refuses unshare(CLONE_NEWUSER) to a multi-threaded process such as the
 * JVM. So util-linux's {@code unshare --user cat} makes the namespace (it unshares, then execs
 * cat, which blocks on its stdin). From here, as root in the parent namespace, we write its
 * uid_map and gid_map, open /proc/PID/ns/user, and close cat's stdin: cat exits, and the
 * namespace lives on through our descriptor alone. Should the JVM die half-way, the pipe closes
 * with it and cat exits too: nothing is left running.
 */
public final class UserNamespace implements AutoCloseable {

    private static final long START_TIMEOUT_MILLIS = 5_000;
    private final int fd;
    private final String description;

    private UserNamespace(int fd, String description) {
        this.fd = fd;
        this.description = description;
    }

    /** A new user namespace with these mappings (each list non-empty, as the kernel needs). */
    public static UserNamespace create(List<IdMapping> uids, List<IdMapping> gids) {
        Process p;
        try {
            p = new ProcessBuilder("unshare", "--user", "cat").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start unshare(1) from util-linux to make a user namespace: " + e.getMessage(), e);
        }
        try {
            String pid = Long.toString(p.pid());
            awaitUnshared(p, pid);
            writeMap(pid, "uid_map", uids);
            writeMap(pid, "gid_map", gids);
            int fd = Fds.open("/proc/" + pid + "/ns/user", Fds.O_RDONLY | Fds.O_CLOEXEC, 0);
            return new UserNamespace(fd, "uid_map \"" + text(uids).strip().replace('\n', ',') + "\" gid_map \""
                    + text(gids).strip().replace('\n', ',') + "\"");
        } finally {
            stop(p);
        }
    }

    /** The namespace's descriptor; valid until {@link #close()}. */
    public int fd() {
        return fd;
    }

    /** Its mappings, for error messages. */
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        LibC.close(fd);
    }

    // unshare(1) execs cat only after unshare(2): until then the child is still in our namespace,
    // and writing its uid_map would fail (or, worse, name the wrong namespace).
    private static void awaitUnshared(Process p, String pid) {
        Path ours = Path.of("/proc/self/ns/user");
        Path theirs = Path.of("/proc/" + pid + "/ns/user");
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
        try {
            Path own = Files.readSymbolicLink(ours);
            while (true) {
                if (!p.isAlive()) {
                    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                    throw new IllegalStateException("unshare --user exited with status " + p.exitValue() + ": " + err);
                }
                try {
                    if (!Files.readSymbolicLink(theirs).equals(own)) {
                        return;
                    }
                } catch (java.nio.file.NoSuchFileException raced) {
                    // it exited between the two checks: the next isAlive reports why
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("unshare --user (pid " + pid + ") did not make a user namespace within "
                            + START_TIMEOUT_MILLIS + " ms");
                }
                Thread.sleep(1);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while making a user namespace", e);
        }
    }

    private static void writeMap(String pid, String file, List<IdMapping> maps) {
        if (maps.isEmpty()) {
            throw new IllegalArgumentException(file + ": at least one mapping is needed");
        }
        // The kernel takes the whole map in one write(2); Files.writeString makes one for a short text.
        try {
            Files.writeString(Path.of("/proc", pid, file), text(maps));
        } catch (IOException e) {
            throw new UncheckedIOException("writing /proc/" + pid + "/" + file + " \"" + text(maps).strip().replace('\n', ',')
                    + "\" failed: " + e.getMessage() + " (ranges must not overlap; it needs root)", e);
        }
    }

    private static String text(List<IdMapping> maps) {
        StringBuilder b = new StringBuilder();
        maps.forEach(m -> b.append(m.line()));
        return b.toString();
    }

    private static void stop(Process p) {
        try {
            p.getOutputStream().close(); // cat reads end of file and exits
            if (!p.waitFor(START_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor();
            }
        } catch (IOException e) {
            p.destroyForcibly();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
