package dev.vessel.image.build;

import dev.vessel.image.ProcessDefaults;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real (if unconfined) executor for the builder's root tests: chroot(8) into the snapshot
 * with the step's user, environment and working directory. It stands in for Vessel's runtime,
 * which lives in another module; it needs /bin/busybox inside the image for the cd.
 */
final class ChrootExecutor implements BuildExecutor {
    final List<List<String>> ran = new ArrayList<>();

    @Override
    public int run(Path rootfs, ProcessDefaults p, String network, OutputStream output) throws IOException {
        ran.add(p.args());
        List<String> cmd = new ArrayList<>(List.of("chroot", "--userspec=" + p.uid() + ":" + p.gid(), rootfs.toString(),
                "/bin/busybox", "sh", "-c", "cd \"$0\" && exec \"$@\"", p.cwd()));
        cmd.addAll(p.args());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().clear();
        for (String e : p.env()) {
            int eq = e.indexOf('=');
            pb.environment().put(e.substring(0, eq), e.substring(eq + 1));
        }
        Process proc = pb.start();
        proc.getInputStream().transferTo(output);
        try {
            return proc.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
