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
    public static final int ENODATA = 61;
    public static final int EOPNOTSUPP = 95;
    private static final Map<Integer, String> NAMES = Map.of(1, "EPERM", 2, "ENOENT", 13, "EACCES", 16, "EBUSY",
            17, "EEXIST", 22, "EINVAL", 28, "ENOSPC", 61, "ENODATA", 95, "EOPNOTSUPP", 7, "E2BIG");

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
            throw new IOException("lsetxattr(" + path + ", " + name + ") failed: " + errnoName(-r)
                    + " (" + Syscalls.strerror(-r) + ")");
        }
    }

    /** The xattr's value, or null when the file does not have it. */
    public static byte[] getXattr(Path path, String name) throws IOException {
        byte[] buf = new byte[65536];
        long r = Syscalls.lgetxattr(path.toString(), name, buf);
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
