package dev.vessel.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vessel.linux.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 200 create/start/delete cycles leave no mount, cgroup, process, file descriptor or state file behind. */
@Tag("root")
class LeakIT {

    static final int CYCLES = 200;

    @TempDir
    Path tmp;

    static long processesInCgroup(String path) {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).filter(p -> {
                try {
                    return Files.readString(p.resolve("cgroup")).contains(path + "\n");
                } catch (IOException e) {
                    return false; // exited while we looked
                }
            }).count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static long count(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    /** Cgroup directories of this test's containers (others may run meanwhile: only ours count). */
    static long cgroupDirs() throws IOException {
        long n = 0;
        for (String c : new String[] {"memory", "pids", "cpu", "freezer", "devices", "blkio", "cpuset", "systemd"}) {
            Path d = Path.of("/sys/fs/cgroup", c, "vessel");
            if (Files.isDirectory(d)) {
                try (Stream<Path> s = Files.list(d)) {
                    n += s.filter(Files::isDirectory).filter(x -> x.getFileName().toString().startsWith("leak")).count();
                }
            }
        }
        return n;
    }

    @Test
    void cyclesLeaveNothing() throws Exception {
        assumeTrue(Processes.euid() == 0, "needs root (namespaces, cgroups, mounts)");
        assumeTrue(Bundles.busyboxAvailable(), "needs /bin/busybox (Debian package busybox-static)");
        Path bundle = tmp.resolve("bundle");
        Bundles.create(bundle, "true");
        ContainerRuntime rt = new ContainerRuntime(tmp.resolve("root"), Path.of(System.getProperty("vessel.init")));
        long fds0 = count(Path.of("/proc/self/fd"));
        for (int i = 0; i < CYCLES; i++) {
            String id = "leak" + i;
            rt.create(new CreateOptions(id, bundle, null, null, 0, false, false));
            rt.start(id);
            rt.delete(id, true);
        }
        // Other software may mount and unmount meanwhile: what counts is that nothing of ours is mounted.
        assertEquals(List.of(), Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .filter(l -> l.contains(tmp.toString())).toList(), "mounts left on the host");
        assertEquals(fds0, count(Path.of("/proc/self/fd")), "file descriptors of the runtime");
        assertEquals(0, cgroupDirs(), "cgroup directories of the cycled containers under /vessel");
        assertEquals(0, count(tmp.resolve("root")), "state directories");
        for (int i = 0; i < CYCLES; i += 37) {
            assertEquals(0, processesInCgroup("/vessel/leak" + i), "processes of leak" + i);
        }
    }
}
