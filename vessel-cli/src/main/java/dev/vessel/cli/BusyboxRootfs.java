package dev.vessel.cli;

import dev.vessel.runtime.RuntimeError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * The built-in {@code busybox} image: a root filesystem made from Debian's busybox-static
 * (installed by the launcher), one static binary with a symlink per applet. Made once, into
 * a temporary directory renamed into place, so a crash never leaves half a rootfs.
 */
final class BusyboxRootfs {

    static final Path HOST_BUSYBOX = Path.of("/bin/busybox");

    private BusyboxRootfs() {}

    static Path ensure(Path storage) {
        Path dir = storage.resolve("rootfs/busybox");
        if (Files.isRegularFile(dir.resolve("bin/busybox"))) {
            return dir;
        }
        if (!Files.isExecutable(HOST_BUSYBOX)) {
            throw new RuntimeError("image busybox: " + HOST_BUSYBOX
                    + " is missing; install Debian's busybox-static package (apt-get install busybox-static)");
        }
        try {
            Files.createDirectories(dir.getParent());
            Path tmp = Files.createTempDirectory(dir.getParent(), ".busybox-");
            for (String d : List.of("bin", "dev", "etc", "proc", "sys", "tmp", "root", "home", "var", "run", "usr")) {
                Files.createDirectories(tmp.resolve(d));
            }
            Files.setPosixFilePermissions(tmp.resolve("tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
            Files.copy(HOST_BUSYBOX, tmp.resolve("bin/busybox"), StandardCopyOption.COPY_ATTRIBUTES);
            for (String applet : applets()) {
                if (!applet.equals("busybox")) {
                    Files.createSymbolicLink(tmp.resolve("bin").resolve(applet), Path.of("busybox"));
                }
            }
            Files.writeString(tmp.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n");
            Files.writeString(tmp.resolve("etc/group"), "root:x:0:\nnogroup:x:65534:\n");
            Files.writeString(tmp.resolve("etc/hosts"), "127.0.0.1\tlocalhost\n::1\tlocalhost\n");
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException raced) {
                // Another vessel made it first: use theirs, drop ours.
                if (!Files.isRegularFile(dir.resolve("bin/busybox"))) {
                    throw raced;
                }
                deleteTree(tmp);
            }
            return dir;
        } catch (IOException e) {
            throw new RuntimeError("image busybox: cannot make its root filesystem under " + dir + ": " + e.getMessage());
        }
    }

    private static List<String> applets() throws IOException {
        Process p = new ProcessBuilder(HOST_BUSYBOX.toString(), "--list").redirectErrorStream(true).start();
        List<String> names = new String(p.getInputStream().readAllBytes()).lines().map(String::strip)
                .filter(s -> !s.isEmpty() && !s.contains("/")).toList();
        try {
            if (p.waitFor() != 0) {
                throw new IOException("busybox --list failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        return names;
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var s = Files.walk(p)) {
            for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }
}
