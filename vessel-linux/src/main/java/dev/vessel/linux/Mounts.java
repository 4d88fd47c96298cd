package dev.vessel.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.StringJoiner;

/**
 * mount(2) and umount2(2), with flags printed by name in errors (as runc's mountError does),
 * and the mount points of the caller's mount namespace.
 */
public final class Mounts {

    public static final long MS_RDONLY = 1, MS_NOSUID = 2, MS_NODEV = 4, MS_NOEXEC = 8,
            MS_SYNCHRONOUS = 16, MS_REMOUNT = 32, MS_MANDLOCK = 64, MS_DIRSYNC = 128,
            MS_NOSYMFOLLOW = 256, MS_NOATIME = 1024, MS_NODIRATIME = 2048, MS_BIND = 4096,
            MS_MOVE = 8192, MS_REC = 16384, MS_SILENT = 32768, MS_UNBINDABLE = 1 << 17,
            MS_PRIVATE = 1 << 18, MS_SLAVE = 1 << 19, MS_SHARED = 1 << 20, MS_RELATIME = 1 << 21,
            MS_STRICTATIME = 1 << 24, MS_LAZYTIME = 1 << 25;
    public static final int MNT_FORCE = 1, MNT_DETACH = 2, MNT_EXPIRE = 4, UMOUNT_NOFOLLOW = 8;

    private static final long[] FLAGS = {MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_SYNCHRONOUS,
        MS_REMOUNT, MS_MANDLOCK, MS_DIRSYNC, MS_NOSYMFOLLOW, MS_NOATIME, MS_NODIRATIME, MS_BIND,
        MS_MOVE, MS_REC, MS_SILENT, MS_UNBINDABLE, MS_PRIVATE, MS_SLAVE, MS_SHARED, MS_RELATIME,
        MS_STRICTATIME, MS_LAZYTIME};
    private static final String[] NAMES = {"MS_RDONLY", "MS_NOSUID", "MS_NODEV", "MS_NOEXEC",
        "MS_SYNCHRONOUS", "MS_REMOUNT", "MS_MANDLOCK", "MS_DIRSYNC", "MS_NOSYMFOLLOW", "MS_NOATIME",
        "MS_NODIRATIME", "MS_BIND", "MS_MOVE", "MS_REC", "MS_SILENT", "MS_UNBINDABLE", "MS_PRIVATE",
        "MS_SLAVE", "MS_SHARED", "MS_RELATIME", "MS_STRICTATIME", "MS_LAZYTIME"};

    private Mounts() {}

    public static void mount(String source, String target, String fsType, long flags, String data) {
        LinuxException.check(LibC.mount(source, target, fsType, flags, data),
                "mount(" + quote(source) + ", " + quote(target) + ", " + quote(fsType) + ", "
                        + flagNames(flags) + ", " + quote(data) + ")");
    }

    public static void bind(String source, String target, boolean recursive) {
        mount(source, target, null, MS_BIND | (recursive ? MS_REC : 0), null);
    }

    public static void umount(String target, int flags) {
        LinuxException.check(LibC.umount2(target, flags), "umount2(" + quote(target) + ", " + flags + ")");
    }

    /** Every mount point of our mount namespace (mountinfo's fifth field, with its octal escape of spaces undone). */
    public static List<String> targets() throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ");
            if (f.length > 4) {
                out.add(f[4].replace("\\040", " "));
            }
        }
        return out;
    }

    /** Mount points strictly below {@code dir}, deepest first (the order to unmount them in). */
    public static List<Path> below(Path dir) throws IOException {
        String prefix = dir.toRealPath() + "/";
        List<Path> out = new ArrayList<>();
        for (String target : targets()) {
            if (target.startsWith(prefix)) {
                out.add(Path.of(target));
            }
        }
        out.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        return out;
    }

    /** "MS_BIND|MS_REC"; unknown bits as hex; "0" for none. */
    public static String flagNames(long flags) {
        StringJoiner j = new StringJoiner("|");
        long rest = flags;
        for (int i = 0; i < FLAGS.length; i++) {
            if ((flags & FLAGS[i]) != 0) {
                j.add(NAMES[i]);
                rest &= ~FLAGS[i];
            }
        }
        if (rest != 0) {
            j.add("0x" + Long.toHexString(rest));
        }
        return flags == 0 ? "0" : j.toString();
    }

    private static String quote(String s) {
        return s == null ? "NULL" : "\"" + s + "\"";
    }
}
