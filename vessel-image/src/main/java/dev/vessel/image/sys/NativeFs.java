package dev.vessel.image.sys;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** Domain layer over {@link Syscalls}: exceptions naming the call, the path and the errno. */
public final class NativeFs {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EEXIST = 17;
    public static final int EINVAL = 22;
    public static final int ERANGE = 34;
    public static final int ENODATA = 61;
    public static final int EOPNOTSUPP = 95;
    /** The largest xattr value Linux stores (XATTR_SIZE_MAX), and the longest name list (XATTR_LIST_MAX). */
    private static final int XATTR_MAX = 65536;
    private static final int SMALL = 256;
    private static final Map<Integer, String> NAMES = Map.ofEntries(Map.entry(1, "EPERM"), Map.entry(2, "ENOENT"),
            Map.entry(7, "E2BIG"), Map.entry(13, "EACCES"), Map.entry(16, "EBUSY"), Map.entry(17, "EEXIST"),
            Map.entry(22, "EINVAL"), Map.entry(28, "ENOSPC"), Map.entry(34, "ERANGE"), Map.entry(61, "ENODATA"),
            Map.entry(95, "EOPNOTSUPP"));

    private NativeFs() {
    }

    public static String errnoName(int errno) {
        return NAMES.getOrDefault(errno, "errno " + errno);
    }

    static IOException error(String call, Path path, int negErrno) {
        int e = -negErrno;
        return new IOException(call + "(" + path + ") failed: " + errnoName(e) + " (" + Syscalls.strerror(e) + ")");
    }

    public static void mknod(Path path, int type, int perm, long major, long minor) throws IOException {
        int r = Syscalls.mknod(path.toString(), type | (perm & 07777), Syscalls.makedev(major, minor));
        if (r < 0) {
            throw error("mknod", path, r);
        }
    }

    public static void mkfifo(Path path, int perm) throws IOException {
        mknod(path, Syscalls.S_IFIFO, perm, 0, 0);
    }

    public static void setXattr(Path path, String name, byte[] value) throws IOException {
        int r = Syscalls.lsetxattr(path.toString(), name, value);
        if (r < 0) {
            throw new XattrException(path, name, -r);
        }
    }

    /** A refused lsetxattr, with its errno so callers can tell "not supported here" from a real failure. */
    public static final class XattrException extends IOException {
        private final int errno;

        XattrException(Path path, String name, int errno) {
            super("lsetxattr(" + path + ", " + name + ") failed: " + errnoName(errno) + " (" + Syscalls.strerror(errno) + ")");
            this.errno = errno;
        }

        public int errno() {
            return errno;
        }
    }

    /**
     * Every xattr of {@code path} (not following a final symlink), name to value, in the order the
     * filesystem lists them; empty where the filesystem has none or does not support them. Names
     * in namespaces this process may not read (trusted.* without CAP_SYS_ADMIN) are not listed
     * by the kernel in the first place.
     */
    public static Map<String, byte[]> xattrs(Path path) throws IOException {
        // Most files have no or few xattrs: a small buffer first, the largest possible list on ERANGE.
        byte[] list = new byte[SMALL];
        long n = Syscalls.llistxattr(path.toString(), list);
        if (n == -ERANGE) {
            list = new byte[XATTR_MAX];
            n = Syscalls.llistxattr(path.toString(), list);
        }
        if (n == -EOPNOTSUPP) {
            return Map.of();
        }
        if (n < 0) {
            throw error("llistxattr", path, (int) n);
        }
        Map<String, byte[]> out = new java.util.LinkedHashMap<>();
        int start = 0;
        for (int i = 0; i < n; i++) {
            if (list[i] == 0) {
                String name = new String(list, start, i - start, java.nio.charset.StandardCharsets.UTF_8);
                start = i + 1;
                byte[] v = getXattr(path, name);
                if (v != null) { // removed between the list and the read: it is not there any more
                    out.put(name, v);
                }
            }
        }
        return out;
    }

    /** The xattr's value, or null when the file does not have it. */
    public static byte[] getXattr(Path path, String name) throws IOException {
        byte[] buf = new byte[SMALL];
        long r = Syscalls.lgetxattr(path.toString(), name, buf);
        if (r == -ERANGE) {
            buf = new byte[XATTR_MAX];
            r = Syscalls.lgetxattr(path.toString(), name, buf);
        }
        if (r == -ENODATA) {
            return null;
        }
        if (r < 0) {
            throw error("lgetxattr", path, (int) r);
        }
        return java.util.Arrays.copyOf(buf, (int) r);
    }

    /** Sets a file's times, never following a final symlink and never opening the file. */
    public static void setTimes(Path path, java.time.Instant mtime) throws IOException {
        int r = Syscalls.utimensat(path.toString(), mtime.getEpochSecond(), mtime.getNano(),
                mtime.getEpochSecond(), mtime.getNano(), Syscalls.AT_SYMLINK_NOFOLLOW);
        if (r < 0) {
            throw error("utimensat", path, r);
        }
    }

    public static void unmount(Path target, boolean detach) throws IOException {
        int r = Syscalls.umount2(target.toString(), detach ? Syscalls.MNT_DETACH : 0);
        if (r < 0) {
            throw error("umount2", target, r);
        }
    }

    /** Whether this process runs with uid 0 (the JVM offers no getuid; /proc/self is owned by it). */
    public static boolean isRoot() {
        try {
            return ((Integer) java.nio.file.Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
