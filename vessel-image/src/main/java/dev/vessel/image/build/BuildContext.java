package dev.vessel.image.build;

import dev.vessel.image.layer.LayerWriter;
import dev.vessel.image.store.Digest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The build context directory and its {@code .dockerignore}: which files COPY and ADD may use
 * (never anything outside the directory, symlinks are copied as links, not followed), and a
 * content hash of a selection for the layer cache.
 */
public final class BuildContext {
    private record Rule(PathMatcher matcher, boolean exclude) {
    }

    private final Path dir;
    private final List<Rule> rules = new ArrayList<>();

    public BuildContext(Path dir) throws IOException {
        this.dir = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(this.dir)) {
            throw new IOException("build context " + dir + " is not a directory");
        }
        Path ignore = this.dir.resolve(".dockerignore");
        if (Files.isRegularFile(ignore, LinkOption.NOFOLLOW_LINKS)) {
            for (String line : Files.readAllLines(ignore)) {
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                boolean include = l.startsWith("!");
                String pattern = clean(include ? l.substring(1).strip() : l);
                if (!pattern.isEmpty()) {
                    rules.add(new Rule(FileSystems.getDefault().getPathMatcher("glob:" + pattern), !include));
                }
            }
        }
    }

    public Path dir() {
        return dir;
    }

    private static String clean(String p) {
        String s = p.replace("//", "/");
        while (s.startsWith("/") || s.startsWith("./")) {
            s = s.startsWith("/") ? s.substring(1) : s.substring(2);
        }
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** .dockerignore semantics: the last matching rule wins; a rule matching a directory covers its content. */
    public boolean ignored(Path file) {
        Path rel = dir.relativize(file);
        if (rel.toString().isEmpty()) {
            return false;
        }
        boolean ignored = false;
        for (Rule r : rules) {
            for (Path p = rel; p != null; p = p.getParent()) {
                if (r.matcher.matches(p)) {
                    ignored = r.exclude;
                    break;
                }
            }
        }
        return ignored;
    }

    /** The context paths a COPY source names (a path or a glob), never outside the context. */
    public List<Path> resolve(String source) throws IOException {
        String s = clean(source);
        for (String c : s.split("/")) {
            if (c.equals("..")) {
                throw new IllegalArgumentException("source \"" + source + "\" leaves the build context");
            }
        }
        if (s.isEmpty() || s.equals(".")) {
            return List.of(dir);
        }
        List<Path> out = new ArrayList<>();
        if (s.chars().anyMatch(ch -> ch == '*' || ch == '?' || ch == '[')) {
            PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + s);
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.filter(p -> !p.equals(dir) && m.matches(dir.relativize(p)) && !ignored(p)).sorted().forEach(out::add);
            }
        } else {
            Path p = dir.resolve(s).normalize();
            checkInside(source, p);
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !ignored(p)) {
                out.add(p);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("source \"" + source + "\" matches nothing in the build context "
                    + dir + " (or .dockerignore excludes it)");
        }
        return out;
    }

    /** Each parent of the source must be a real directory: a symlinked parent could point outside. */
    private void checkInside(String source, Path p) throws IOException {
        for (Path q = p.getParent(); q != null && q.startsWith(dir) && !q.equals(dir); q = q.getParent()) {
            if (Files.isSymbolicLink(q)) {
                throw new IllegalArgumentException("source \"" + source + "\" goes through the symlink "
                        + dir.relativize(q) + "; copy the link's target instead");
            }
        }
        if (!p.startsWith(dir)) {
            throw new IllegalArgumentException("source \"" + source + "\" leaves the build context");
        }
    }

    /** A digest of names, modes, sizes, xattrs and contents of the selected trees (the COPY cache input). */
    public Digest hash(List<Path> sources) throws IOException {
        MessageDigest sha = Digest.newSha256();
        byte[] buf = new byte[1 << 16];
        for (Path src : sources) {
            List<Path> files;
            try (Stream<Path> walk = Files.walk(src)) {
                files = walk.filter(p -> !ignored(p)).sorted().toList();
            }
            for (Path p : files) {
                var a = Files.readAttributes(p, "unix:mode,size,uid,gid", LinkOption.NOFOLLOW_LINKS);
                String meta = dir.relativize(p) + "\0" + a.get("mode") + "\0" + a.get("size") + "\0" + a.get("uid")
                        + "\0" + a.get("gid") + "\0";
                sha.update(meta.getBytes(StandardCharsets.UTF_8));
                // Xattrs go into the layer (security.capability, user.*), so they are part of the key;
                // nothing is added for a file without any, which keeps older keys valid.
                for (var x : LayerWriter.xattrs(p).entrySet()) {
                    sha.update(("xattr\0" + x.getKey() + "\0" + x.getValue().length + "\0").getBytes(StandardCharsets.UTF_8));
                    sha.update(x.getValue());
                }
                if (Files.isSymbolicLink(p)) {
                    sha.update(Files.readSymbolicLink(p).toString().getBytes(StandardCharsets.UTF_8));
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    try (InputStream in = Files.newInputStream(p)) {
                        for (int n; (n = in.read(buf)) > 0; ) {
                            sha.update(buf, 0, n);
                        }
                    }
                }
            }
        }
        return Digest.fromHash(sha.digest());
    }
}
