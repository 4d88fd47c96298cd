package dev.vessel.linux;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Instant;

/**
 * Files the JDK cannot make (device nodes, FIFOs) and timestamps it cannot set safely: its
 * setTimes opens the file, which blocks on a FIFO, and cannot reach a symlink itself. The mode
 * given is subject to the umask, as with mknod(2) and mkfifo(3).
 */
public final class Inodes {

    private Inodes() {}

    public static void fifo(String path, int perm) {
        int mode = perm & 07777;
        LinuxException.check(LibC.mkfifo(path, mode), "mkfifo(\"" + path + "\", 0" + Integer.toOctalString(mode) + ")");
    }

    public static void charDevice(String path, int perm, long major, long minor) {
        mknod(path, FileMetadata.S_IFCHR, "S_IFCHR", perm, major, minor);
    }

    public static void blockDevice(String path, int perm, long major, long minor) {
        mknod(path, FileMetadata.S_IFBLK, "S_IFBLK", perm, major, minor);
    }

    private static void mknod(String path, int type, String typeName, int perm, long major, long minor) {
        int mode = type | (perm & 07777);
        LinuxException.check(FileMetadata.mknod(path, mode, FileMetadata.makedev(major, minor)),
                "mknod(\"" + path + "\", " + typeName + "|0" + Integer.toOctalString(perm & 07777)
                        + ", makedev(" + major + ", " + minor + "))");
    }

    /** Sets the access and modification times of {@code path} itself, a final symlink included. */
    public static void setTimes(String path, Instant atime, Instant mtime) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment times = arena.allocate(Structs.TIMESPEC, 2);
            put(times, 0, atime);
            put(times, 1, mtime);
            LinuxException.check(FileMetadata.utimensat(FileMetadata.AT_FDCWD, path, times,
                    FileMetadata.AT_SYMLINK_NOFOLLOW),
                    "utimensat(AT_FDCWD, \"" + path + "\", {" + atime + ", " + mtime + "}, AT_SYMLINK_NOFOLLOW)");
        }
    }

    private static void put(MemorySegment times, long index, Instant t) {
        MemorySegment ts = times.asSlice(index * Structs.TIMESPEC.byteSize(), Structs.TIMESPEC.byteSize());
        ts.set(JAVA_LONG, Structs.offset(Structs.TIMESPEC, "tv_sec"), t.getEpochSecond());
        ts.set(JAVA_LONG, Structs.offset(Structs.TIMESPEC, "tv_nsec"), t.getNano());
    }
}
