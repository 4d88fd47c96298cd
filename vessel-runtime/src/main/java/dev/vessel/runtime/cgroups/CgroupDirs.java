package dev.vessel.runtime.cgroups;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Making and removing cgroup directories, shared by the v1 and v2 backends. */
public final class CgroupDirs {
    private CgroupDirs() {}

    /**
     * Creates {@code dir} and its missing parents below {@code top} (which must exist).
     * Returns the directories this call made, parents first, so the caller can register their
     * removal before doing anything else.
     */
    public static List<Path> mkdirs(String who, Path top, Path dir) {
        if (!dir.startsWith(top)) {
            throw new IllegalArgumentException(dir + " is not below " + top);
        }
        for (int attempt = 0; ; attempt++) {
            List<Path> created = new ArrayList<>();
            Path current = top;
            try {
                for (Path part : top.relativize(dir)) {
                    current = current.resolve(part.toString());
                    try {
                        Files.createDirectory(current);
                        created.add(current);
                    } catch (FileAlreadyExistsException e) {
                        // Shared parent (another container made it) or a cgroup that outlived its
                        // container: join it as runc does.
                    }
                }
                return created;
            } catch (NoSuchFileException e) {
                // A parent we found existing was removed meanwhile by another container's
                // destroy (it saw it empty): start again from the top; each round someone wins.
                removeCreated(created);
                if (attempt == 200) {
                    throw new CgroupException(who + ": creating " + current + ": its parent keeps disappearing "
                            + "(another runtime removing it?)", "ENOENT", e);
                }
                // Under load one runtime can lose many rounds in a row: yield so the remover finishes.
                Thread.yield();
            } catch (IOException e) {
                // Undo our part here: the caller only learns about directories we return.
                removeCreated(created);
                String errno = CgroupFiles.errno(e);
                throw new CgroupException(who + ": creating " + current + ": " + CgroupFiles.reason(e)
                        + (errno == null ? "" : " (" + errno + ")"), errno, e);
            }
        }
    }

    /**
     * Removes directories this runtime created, deepest first. A directory that another
     * container still uses (ENOTEMPTY/EBUSY) stays: it is shared, not leaked.
     */
    public static void removeCreated(List<Path> created) {
        for (int i = created.size() - 1; i >= 0; i--) {
            try {
                Files.deleteIfExists(created.get(i));
            } catch (IOException e) {
                // Not ours alone any more; see above.
            }
        }
    }

    /**
     * Removes a container's cgroup and every cgroup the container made inside it, children
     * first. ENOENT is success (already gone). EBUSY — the kernel has not yet finished
     * releasing a task that just exited — is retried with doubling delays for about a second,
     * as runc does.
     */
    public static void removeTree(String who, Path dir) {
        List<Path> children;
        try (Stream<Path> s = Files.list(dir)) {
            children = s.filter(Files::isDirectory).toList();
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            throw new CgroupException(who + ": listing " + dir + ": " + CgroupFiles.reason(e), CgroupFiles.errno(e), e);
        }
        for (Path child : children) {
            removeTree(who, child);
        }
        long delayMs = 1;
        for (int tries = 0; ; tries++) {
            try {
                Files.deleteIfExists(dir);
                return;
            } catch (IOException e) {
                String errno = e instanceof DirectoryNotEmptyException ? "ENOTEMPTY" : CgroupFiles.errno(e);
                if ("EBUSY".equals(errno) && tries < 10) {
                    sleep(delayMs);
                    delayMs *= 2;
                    continue;
                }
                String hint = "EBUSY".equals(errno) ? " (processes are still in it: stop them first)"
                        : "ENOTEMPTY".equals(errno) ? " (it holds files that are not cgroup files: is this a cgroupfs?)" : "";
                throw new CgroupException(who + ": removing " + dir + ": " + CgroupFiles.reason(e)
                        + (errno == null ? "" : " (" + errno + ")") + hint, errno, e);
            }
        }
    }

    /**
     * Pids listed in {@code cgroup.procs} of {@code dir} and all cgroups below it. A cgroup that
     * does not exist (any more) holds no process: that is an empty list, not an error.
     */
    public static List<Integer> pidsRecursive(String who, Path dir) {
        List<Integer> pids = new ArrayList<>();
        collectPids(who, dir, pids);
        return pids;
    }

    private static void collectPids(String who, Path dir, List<Integer> pids) {
        String procs;
        List<Path> children;
        try (Stream<Path> s = Files.list(dir)) {
            children = s.filter(Files::isDirectory).toList();
            procs = Files.readString(dir.resolve("cgroup.procs"));
        } catch (NoSuchFileException e) {
            return; // removed while we looked: its tasks are gone too
        } catch (IOException e) {
            throw new CgroupException(who + ": listing " + dir + ": " + CgroupFiles.reason(e), CgroupFiles.errno(e), e);
        }
        for (String line : procs.split("\n")) {
            if (!line.isBlank()) {
                pids.add(Integer.parseInt(line.trim()));
            }
        }
        for (Path child : children) {
            collectPids(who, child, pids);
        }
    }

    public static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CgroupException("interrupted while waiting for the cgroup");
        }
    }
}
