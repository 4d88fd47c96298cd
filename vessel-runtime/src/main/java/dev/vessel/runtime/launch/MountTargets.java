package dev.vessel.runtime.launch;

import dev.vessel.runtime.RuntimeError;
import dev.vessel.runtime.spec.Mount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * Refuses mount destinations that reach outside the rootfs through a symlink in the image
 * ({@code /evil -> ../../../etc}), naming the entry and the link. vessel-init resolves every
 * target with RESOLVE_IN_ROOT anyway, so such a target could never land outside; this check
 * turns a silent re-rooting into the clear error a user can act on.
 */
public final class MountTargets {

    private static final int MAX_LINKS = 40;

    private MountTargets() {}

    public static void check(Path rootfs, List<Mount> mounts) {
        if (mounts == null) {
            return;
        }
        for (int i = 0; i < mounts.size(); i++) {
            String dest = mounts.get(i).destination();
            String escape = escapes(rootfs, dest);
            if (escape != null) {
                throw new RuntimeError("mounts[" + i + "].destination \"" + dest + "\": " + escape
                        + "; a mount target must stay inside the rootfs");
            }
        }
    }

    /** Walks {@code dest} component by component as the kernel would, following links lexically; null when it stays inside. */
    static String escapes(Path rootfs, String dest) {
        Path root = rootfs.toAbsolutePath().normalize();
        java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(List.of(dest.split("/")));
        java.util.ArrayList<String> done = new java.util.ArrayList<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String c = todo.pollFirst();
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                if (done.isEmpty()) {
                    return "\"..\" leads above the rootfs";
                }
                done.remove(done.size() - 1);
                continue;
            }
            done.add(c);
            Path host = root.resolve(String.join("/", done));
            if (!Files.isSymbolicLink(host)) {
                if (!Files.exists(host, LinkOption.NOFOLLOW_LINKS)) {
                    return null; // the rest will be created as directories, inside
                }
                continue;
            }
            if (++links > MAX_LINKS) {
                return "too many levels of symbolic links";
            }
            String target;
            try {
                target = Files.readSymbolicLink(host).toString();
            } catch (IOException e) {
                return null;
            }
            String link = "/" + String.join("/", done);
            done.remove(done.size() - 1);
            if (target.startsWith("/")) {
                done.clear();
            }
            String[] parts = target.split("/");
            for (int k = parts.length - 1; k >= 0; k--) {
                todo.addFirst(parts[k]);
            }
            // Lexically, a relative link's ".." past the top is where it escapes.
            java.util.ArrayList<String> probe = new java.util.ArrayList<>(done);
            for (String p : parts) {
                if (p.equals("..")) {
                    if (probe.isEmpty()) {
                        return "symlink " + link + " -> " + target + " points outside the rootfs";
                    }
                    probe.remove(probe.size() - 1);
                } else if (!p.isEmpty() && !p.equals(".")) {
                    probe.add(p);
                }
            }
        }
        return null;
    }
}
