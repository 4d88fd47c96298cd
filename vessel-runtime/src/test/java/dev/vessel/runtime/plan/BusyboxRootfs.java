package dev.vessel.runtime.plan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/** A minimal rootfs for integration tests: Debian's static busybox and a symlink per applet. */
final class BusyboxRootfs {

    static final Path BUSYBOX = Path.of("/bin/busybox");

    private BusyboxRootfs() {}

    /** Skips the calling test unless we are root and busybox-static is (or can be) installed. */
    static void assumeAvailable() throws Exception {
        Assumptions.assumeTrue(dev.vessel.linux.Processes.euid() == 0, "needs root (namespaces, mounts)");
        if (!isStatic()) {
            // The brief for these tests: install Debian's busybox-static when it is missing.
            new ProcessBuilder("apt-get", "install", "-y", "busybox-static").inheritIO().start().waitFor();
        }
        Assumptions.assumeTrue(isStatic(), "needs a static /bin/busybox (apt-get install busybox-static)");
    }

    private static boolean isStatic() throws Exception {
        if (!Files.isExecutable(BUSYBOX)) {
            return false;
        }
        Process p = new ProcessBuilder("ldd", BUSYBOX.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out.contains("not a dynamic executable") || out.contains("statically linked");
    }

    static Path create(Path dir) throws IOException, InterruptedException {
        Path root = dir.resolve("rootfs");
        for (String d : List.of("bin", "proc", "dev", "etc", "tmp", "mnt", "sys")) {
            Files.createDirectories(root.resolve(d));
        }
        Files.copy(BUSYBOX, root.resolve("bin/busybox"), StandardCopyOption.COPY_ATTRIBUTES);
        Process p = new ProcessBuilder(BUSYBOX.toString(), "--list").start();
        for (String applet : new String(p.getInputStream().readAllBytes()).split("\n")) {
            if (!applet.isBlank() && !applet.equals("busybox")) {
                Files.createSymbolicLink(root.resolve("bin").resolve(applet.strip()), Path.of("busybox"));
            }
        }
        p.waitFor();
        Files.writeString(root.resolve("etc/hostname-of-image"), "image\n");
        return root;
    }
}
