package dev.vessel.runtime.spec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The flags of mount(2) ({@code MS_*}) and of mount_setattr(2) ({@code MOUNT_ATTR_*}), from
 * {@code <linux/mount.h>}, declared once, with names so that errors can print flags the way
 * runc's mountError does ({@code MS_BIND|MS_REC}) instead of a bare number.
 */
public final class MountFlags {

    public static final long MS_RDONLY = 1;
    public static final long MS_NOSUID = 2;
    public static final long MS_NODEV = 4;
    public static final long MS_NOEXEC = 8;
    public static final long MS_SYNCHRONOUS = 16;
    public static final long MS_REMOUNT = 32;
    public static final long MS_MANDLOCK = 64;
    public static final long MS_DIRSYNC = 128;
    public static final long MS_NOSYMFOLLOW = 256;
    public static final long MS_NOATIME = 1024;
    public static final long MS_NODIRATIME = 2048;
    public static final long MS_BIND = 4096;
    public static final long MS_MOVE = 8192;
    public static final long MS_REC = 16384;
    public static final long MS_SILENT = 32768;
    public static final long MS_POSIXACL = 1 << 16;
    public static final long MS_UNBINDABLE = 1 << 17;
    public static final long MS_PRIVATE = 1 << 18;
    public static final long MS_SLAVE = 1 << 19;
    public static final long MS_SHARED = 1 << 20;
    public static final long MS_RELATIME = 1 << 21;
    public static final long MS_I_VERSION = 1 << 23;
    public static final long MS_STRICTATIME = 1 << 24;
    public static final long MS_LAZYTIME = 1 << 25;

    /** The propagation types: at most one of these (with MS_REC) per mount(2) call. */
    public static final long PROPAGATION = MS_SHARED | MS_SLAVE | MS_PRIVATE | MS_UNBINDABLE;

    public static final long MOUNT_ATTR_RDONLY = 0x1;
    public static final long MOUNT_ATTR_NOSUID = 0x2;
    public static final long MOUNT_ATTR_NODEV = 0x4;
    public static final long MOUNT_ATTR_NOEXEC = 0x8;
    /** The access-time field: its values are not bits, so setting one means clearing this too. */
    public static final long MOUNT_ATTR__ATIME = 0x70;
    public static final long MOUNT_ATTR_RELATIME = 0x0;
    public static final long MOUNT_ATTR_NOATIME = 0x10;
    public static final long MOUNT_ATTR_STRICTATIME = 0x20;
    public static final long MOUNT_ATTR_NODIRATIME = 0x80;
    public static final long MOUNT_ATTR_IDMAP = 0x100000;
    public static final long MOUNT_ATTR_NOSYMFOLLOW = 0x200000;

    private static final Map<Long, String> MS_NAMES = new LinkedHashMap<>();
    private static final Map<Long, String> ATTR_NAMES = new LinkedHashMap<>();

    static {
        Object[] ms = {MS_RDONLY, "MS_RDONLY", MS_NOSUID, "MS_NOSUID", MS_NODEV, "MS_NODEV", MS_NOEXEC, "MS_NOEXEC",
            MS_SYNCHRONOUS, "MS_SYNCHRONOUS", MS_REMOUNT, "MS_REMOUNT", MS_MANDLOCK, "MS_MANDLOCK",
            MS_DIRSYNC, "MS_DIRSYNC", MS_NOSYMFOLLOW, "MS_NOSYMFOLLOW", MS_NOATIME, "MS_NOATIME",
            MS_NODIRATIME, "MS_NODIRATIME", MS_BIND, "MS_BIND", MS_MOVE, "MS_MOVE", MS_REC, "MS_REC",
            MS_SILENT, "MS_SILENT", MS_POSIXACL, "MS_POSIXACL", MS_UNBINDABLE, "MS_UNBINDABLE",
            MS_PRIVATE, "MS_PRIVATE", MS_SLAVE, "MS_SLAVE", MS_SHARED, "MS_SHARED", MS_RELATIME, "MS_RELATIME",
            MS_I_VERSION, "MS_I_VERSION", MS_STRICTATIME, "MS_STRICTATIME", MS_LAZYTIME, "MS_LAZYTIME"};
        for (int i = 0; i < ms.length; i += 2) {
            MS_NAMES.put((Long) ms[i], (String) ms[i + 1]);
        }
        // __ATIME first: it is a field of three bits, shown as one name when all are meant.
        Object[] attrs = {MOUNT_ATTR__ATIME, "MOUNT_ATTR__ATIME", MOUNT_ATTR_RDONLY, "MOUNT_ATTR_RDONLY", MOUNT_ATTR_NOSUID, "MOUNT_ATTR_NOSUID",
            MOUNT_ATTR_NODEV, "MOUNT_ATTR_NODEV", MOUNT_ATTR_NOEXEC, "MOUNT_ATTR_NOEXEC",
            MOUNT_ATTR_NOATIME, "MOUNT_ATTR_NOATIME", MOUNT_ATTR_STRICTATIME, "MOUNT_ATTR_STRICTATIME",
            MOUNT_ATTR_NODIRATIME, "MOUNT_ATTR_NODIRATIME",
            MOUNT_ATTR_IDMAP, "MOUNT_ATTR_IDMAP", MOUNT_ATTR_NOSYMFOLLOW, "MOUNT_ATTR_NOSYMFOLLOW"};
        for (int i = 0; i < attrs.length; i += 2) {
            ATTR_NAMES.put((Long) attrs[i], (String) attrs[i + 1]);
        }
    }

    private MountFlags() {}

    /** mount(2) flags by name, e.g. {@code MS_NOSUID|MS_BIND|MS_REC}; "0" for none. */
    public static String describe(long flags) {
        return names(flags, MS_NAMES);
    }

    /** mount_setattr(2) attributes by name. */
    public static String describeAttrs(long attrs) {
        return names(attrs, ATTR_NAMES);
    }

    private static String names(long flags, Map<Long, String> table) {
        if (flags == 0) {
            return "0";
        }
        StringJoiner out = new StringJoiner("|");
        long rest = flags;
        for (Map.Entry<Long, String> e : table.entrySet()) {
            if ((rest & e.getKey()) == e.getKey()) {
                out.add(e.getValue());
                rest &= ~e.getKey();
            }
        }
        if (rest != 0) {
            out.add("0x" + Long.toHexString(rest));
        }
        return out.toString();
    }
}
