package dev.vessel.runtime.cgroups;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A fake filesystem root for unit tests: {@code proc/self/mountinfo}, {@code proc/self/cgroup}
 * and the mount points as plain directories. Plain files cannot act like cgroupfs (the kernel
 * fills new directories with control files, refuses bad values, keeps one value per write), so
 * tests create the control files they expect to be written and check the last value.
 */
public final class FakeRoot {
    public final Path root;

    public FakeRoot(Path root, String mountinfo, String self) {
        this.root = root;
        try {
            Files.createDirectories(root.resolve("proc/self"));
            Files.writeString(root.resolve("proc/self/mountinfo"), mountinfo);
            Files.writeString(root.resolve("proc/self/cgroup"), self);
            for (String line : mountinfo.split("\n")) {
                String[] f = line.trim().split(" ");
                if (line.contains(" - cgroup")) {
                    Files.createDirectories(root.resolve(f[4].substring(1)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates {@code dir} (relative to the root) holding the given control files and values. */
    public Path dir(String dir, Map<String, String> files) {
        Path d = root.resolve(dir);
        try {
            Files.createDirectories(d);
            for (Map.Entry<String, String> e : files.entrySet()) {
                Files.writeString(d.resolve(e.getKey()), e.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return d;
    }

    public void processCgroup(long pid, String text) {
        dir("proc/" + pid, Map.of("cgroup", text));
    }

    public String read(String file) {
        try {
            return Files.readString(root.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean exists(String file) {
        return Files.exists(root.resolve(file));
    }
}
