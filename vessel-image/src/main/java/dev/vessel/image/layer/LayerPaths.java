package dev.vessel.image.layer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps tar entry names onto paths under a layer root without ever leaving it. Names with
 * {@code ..} or a leading '/' are refused outright (a well-formed layer has neither), and every
 * existing parent component is examined with NOFOLLOW: a symlink there is refused, so an archive
 * cannot plant {@code x -> /etc} and then write {@code x/passwd}. Missing parents are created.
 */
final class LayerPaths {
    private final Path root;

    LayerPaths(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    /** The components of an entry name: "./a//b/" is [a, b]; "./" is [] (the root itself). */
    static List<String> components(String name) throws LayerException {
        if (name.isEmpty()) {
            throw new LayerException(name, "empty name");
        }
        if (name.startsWith("/")) {
            throw new LayerException(name, "absolute path in a layer archive (a layer's names are relative to its root)");
        }
        if (name.indexOf('\0') >= 0) {
            throw new LayerException(name, "NUL character in the name");
        }
        List<String> out = new ArrayList<>();
        for (String c : name.split("/")) {
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                throw new LayerException(name, "'..' in the name would escape the layer root");
            }
            out.add(c);
        }
        return out;
    }

    /**
     * Resolves {@code name}, creating missing parent directories (0755) and refusing parents
     * that are symlinks or not directories. The last component itself is not examined.
     */
    Path resolveForWrite(String name) throws IOException {
        List<String> cs = components(name);
        Path cur = root;
        for (int i = 0; i < cs.size() - 1; i++) {
            cur = child(name, cur, cs.get(i));
            BasicFileAttributes a = attrs(cur);
            if (a == null) {
                Files.createDirectory(cur, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            } else if (a.isSymbolicLink()) {
                throw new LayerException(name, "parent \"" + root.relativize(cur)
                        + "\" is a symlink; writing through it could leave the layer root");
            } else if (!a.isDirectory()) {
                throw new LayerException(name, "parent \"" + root.relativize(cur) + "\" is not a directory");
            }
        }
        return cs.isEmpty() ? root : child(name, cur, cs.getLast());
    }

    /** Resolves an existing file (a hard link's target) strictly inside the root. */
    Path resolveExisting(String entry, String target) throws IOException {
        List<String> cs = components(target);
        if (cs.isEmpty()) {
            throw new LayerException(entry, "hard link to the layer root");
        }
        Path cur = root;
        for (int i = 0; i < cs.size(); i++) {
            cur = child(entry, cur, cs.get(i));
            BasicFileAttributes a = attrs(cur);
            if (a == null) {
                throw new LayerException(entry, "hard link target \"" + target
                        + "\" is not in this layer (a link may only point at a file the layer itself contains)");
            }
            if (i < cs.size() - 1 && !a.isDirectory()) {
                throw new LayerException(entry, "hard link target \"" + target + "\" passes through \""
                        + root.relativize(cur) + "\", which is " + (a.isSymbolicLink() ? "a symlink" : "not a directory"));
            }
            if (i == cs.size() - 1 && a.isDirectory()) {
                throw new LayerException(entry, "hard link target \"" + target + "\" is a directory");
            }
        }
        return cur;
    }

    private static Path child(String entry, Path dir, String component) throws LayerException {
        try {
            Path p = dir.resolve(component);
            if (!p.getParent().equals(dir)) {
                throw new LayerException(entry, "component \"" + component + "\" is not a plain file name");
            }
            return p;
        } catch (InvalidPathException e) {
            throw new LayerException(entry, "invalid file name: " + e.getReason());
        }
    }

    /** Attributes without following a final symlink, or null if nothing is there. */
    static BasicFileAttributes attrs(Path p) throws IOException {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
