package dev.vessel.runtime.plan;

import dev.vessel.linux.Memfds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;

/** The sealed in-memory image of vessel-init that {@link InitSession} starts. */
final class SealedHelper {

    private static final Map<Path, SealedCopy> SEALED = new HashMap<>();

    private SealedHelper() {}

    /**
     * The helper runs from a sealed in-memory copy of itself. Its clone is visible inside the
     * container before the exec (for an exec into a running container), where a process could
     * reach the binary through /proc/PID/exe and overwrite the host's copy (runc's
     * CVE-2019-5736); a sealed memfd cannot be written. One copy per binary and JVM, made again
     * when the file changes; a replaced copy stays open, as a concurrent start may use it.
     */
    static String path(Path helper) {
        synchronized (SEALED) {
            try {
                BasicFileAttributes a = Files.readAttributes(helper, BasicFileAttributes.class);
                SealedCopy copy = SEALED.get(helper);
                if (copy == null || copy.size() != a.size() || !copy.modified().equals(a.lastModifiedTime())) {
                    copy = new SealedCopy(a.size(), a.lastModifiedTime(),
                            Memfds.sealedExecutable("vessel-init", Files.readAllBytes(helper)));
                    SEALED.put(helper, copy);
                }
                return "/proc/self/fd/" + copy.fd();
            } catch (IOException e) {
                throw new UncheckedIOException("reading vessel-init " + helper, e);
            }
        }
    }

    private record SealedCopy(long size, FileTime modified, int fd) {}
}
