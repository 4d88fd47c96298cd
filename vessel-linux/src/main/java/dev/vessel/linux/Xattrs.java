package dev.vessel.linux;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Extended attributes of a path itself (the l* calls: a final symlink is never followed), in
 * every namespace this process may use, with values as raw bytes: security.capability and
 * binary user.* values are not text.
 */
public final class Xattrs {

    /** Most files have no or small xattrs: one small buffer first, the largest possible one on ERANGE. */
    private static final int SMALL = 256;

    private Xattrs() {}

    public static void set(String path, String name, byte[] value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(Math.max(1, value.length));
            MemorySegment.copy(value, 0, v, JAVA_BYTE, 0, value.length);
            LinuxException.check(FileMetadata.lsetxattr(path, name, v, value.length, 0),
                    "lsetxattr(\"" + path + "\", \"" + name + "\", <" + value.length + " bytes>, 0)");
        }
    }

    /** The value of {@code name}, or null when the file does not have it (ENODATA). */
    public static byte[] get(String path, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(SMALL);
            long n = FileMetadata.lgetxattr(path, name, buf, buf.byteSize());
            if (n == -Errno.ERANGE.number()) {
                buf = arena.allocate(FileMetadata.XATTR_SIZE_MAX);
                n = FileMetadata.lgetxattr(path, name, buf, buf.byteSize());
            }
            if (n == -Errno.ENODATA.number()) {
                return null;
            }
            LinuxException.check(n, "lgetxattr(\"" + path + "\", \"" + name + "\")");
            return buf.asSlice(0, n).toArray(JAVA_BYTE);
        }
    }

    /**
     * Every xattr of {@code path}, name to value, in the order the filesystem lists them; empty
     * where the filesystem does not support xattrs (EOPNOTSUPP: it cannot have any). Names in
     * namespaces this process may not read (trusted.* without CAP_SYS_ADMIN) are not listed by
     * the kernel in the first place.
     */
    public static Map<String, byte[]> list(String path) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(SMALL);
            long n = FileMetadata.llistxattr(path, buf, buf.byteSize());
            if (n == -Errno.ERANGE.number()) {
                buf = arena.allocate(FileMetadata.XATTR_LIST_MAX);
                n = FileMetadata.llistxattr(path, buf, buf.byteSize());
            }
            if (n == -Errno.EOPNOTSUPP.number()) {
                return out;
            }
            LinuxException.check(n, "llistxattr(\"" + path + "\")");
            byte[] names = buf.asSlice(0, n).toArray(JAVA_BYTE);
            int start = 0;
            for (int i = 0; i < names.length; i++) {
                if (names[i] == 0) {
                    String name = new String(names, start, i - start, StandardCharsets.UTF_8);
                    start = i + 1;
                    byte[] v = get(path, name);
                    if (v != null) { // removed between the list and the read: it is not there any more
                        out.put(name, v);
                    }
                }
            }
        }
        return out;
    }
}
