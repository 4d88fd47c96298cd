package dev.vessel.image;

import dev.vessel.image.oci.ImageConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The process a container runs, derived from its image config as {@code docker run} does:
 * argv = Entrypoint + Cmd, where command-line arguments replace Cmd and {@code --entrypoint}
 * replaces Entrypoint and drops the image's Cmd; image Env first, {@code -e} overriding by name;
 * WorkingDir default "/"; User as name, uid, or uid:gid, resolved through the image's own
 * /etc/passwd and /etc/group (read without following symlinks out of the rootfs).
 */
public record ProcessDefaults(List<String> args, List<String> env, String cwd, int uid, int gid) {
    static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public static ProcessDefaults derive(ImageConfig image, List<String> cmdOverride, Optional<List<String>> entrypoint,
                                         List<String> extraEnv, Optional<String> workdir, Optional<String> user,
                                         Path rootfs) throws IOException {
        ImageConfig.Config c = image.configOrEmpty();
        List<String> args = new ArrayList<>(entrypoint.orElse(c.entrypoint() == null ? List.of() : c.entrypoint()));
        if (!cmdOverride.isEmpty()) {
            args.addAll(cmdOverride);
        } else if (entrypoint.isEmpty() && c.cmd() != null) {
            args.addAll(c.cmd());
        }
        if (args.isEmpty()) {
            throw new IllegalArgumentException("the image has no Entrypoint or Cmd: give a command to run");
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (String e : c.env() == null ? List.<String>of() : c.env()) {
            putEnv(env, e, "image Env");
        }
        for (String e : extraEnv) {
            putEnv(env, e, "--env");
        }
        env.putIfAbsent("PATH", DEFAULT_PATH.substring(5));
        List<String> envList = env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        String cwd = workdir.orElse(c.workingDir() == null || c.workingDir().isEmpty() ? "/" : c.workingDir());
        if (!cwd.startsWith("/")) {
            throw new IllegalArgumentException("working directory \"" + cwd + "\" must be an absolute path");
        }
        int[] ids = resolveUser(user.orElse(c.user() == null ? "" : c.user()), rootfs);
        return new ProcessDefaults(List.copyOf(args), envList, cwd, ids[0], ids[1]);
    }

    private static void putEnv(Map<String, String> env, String e, String where) {
        int eq = e.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException(where + " entry \"" + e + "\" must be NAME=VALUE");
        }
        env.put(e.substring(0, eq), e.substring(eq + 1));
    }

    /** {@code ""} is root; {@code name}, {@code uid}, {@code name:group}, {@code uid:gid} as docker accepts. */
    public static int[] resolveUser(String spec, Path rootfs) throws IOException {
        if (spec.isEmpty()) {
            return new int[]{0, 0};
        }
        String[] parts = spec.split(":", 2);
        String u = parts[0];
        Integer uid = number(u);
        Integer gid = null;
        if (uid == null) {
            String[] pw = lookup(rootfs, "etc/passwd", u).orElseThrow(() -> new IllegalArgumentException(
                    "user \"" + u + "\" is not in the image's /etc/passwd; use a numeric uid"));
            uid = Integer.parseInt(pw[2]);
            gid = Integer.parseInt(pw[3]);
        } else {
            final int id = uid;
            Optional<String[]> byId = entries(rootfs, "etc/passwd").stream().filter(f -> f.length > 3 && f[2].equals(Integer.toString(id))).findFirst();
            gid = byId.map(f -> Integer.parseInt(f[3])).orElse(0);
        }
        if (parts.length == 2) {
            String g = parts[1];
            gid = number(g);
            if (gid == null) {
                gid = Integer.parseInt(lookup(rootfs, "etc/group", g).orElseThrow(() -> new IllegalArgumentException(
                        "group \"" + g + "\" is not in the image's /etc/group; use a numeric gid"))[2]);
            }
        }
        return new int[]{uid, gid};
    }

    private static Integer number(String s) {
        return s.matches("[0-9]{1,10}") ? Integer.valueOf((int) Long.parseLong(s)) : null;
    }

    private static Optional<String[]> lookup(Path rootfs, String file, String name) throws IOException {
        return entries(rootfs, file).stream().filter(f -> f.length > 3 && f[0].equals(name)).findFirst();
    }

    private static List<String[]> entries(Path rootfs, String file) throws IOException {
        if (rootfs == null) {
            return List.of();
        }
        Path p = rootfs.resolve(file);
        // The image controls this path: refuse a symlinked /etc or passwd rather than read the host's.
        if (Files.isSymbolicLink(rootfs.resolve("etc")) || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        return Files.readAllLines(p).stream().map(l -> l.split(":", -1)).toList();
    }
}
