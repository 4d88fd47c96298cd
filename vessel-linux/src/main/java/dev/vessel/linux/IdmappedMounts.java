package dev.vessel.linux;

/**
 * Idmapped bind mounts (mount_setattr(2), MOUNT_ATTR_IDMAP): a view of a directory in which
 * every owner is shifted through a user namespace's mapping, without touching the files. A
 * file owned by 0 on disk appears owned by the host id that the namespace maps 0 to, and a
 * file created through the view by that host id is stored as 0.
 *
 * <p>The sequence is the one the kernel requires: a detached copy of the source mount
 * (open_tree with OPEN_TREE_CLONE), the idmap set on it while it is still detached (the kernel
 * refuses to idmap a mount that is attached), then the copy attached at the target (move_mount).
 */
public final class IdmappedMounts {

    private IdmappedMounts() {}

    /** Mounts an idmapped view of directory {@code source} on {@code target} (which must exist). */
    public static void bind(String source, String target, UserNamespace userns) {
        int tree = LinuxException.check(MountApi.openTree(MountApi.AT_FDCWD, source,
                MountApi.OPEN_TREE_CLONE | MountApi.OPEN_TREE_CLOEXEC), "open_tree(\"" + source + "\", OPEN_TREE_CLONE)");
        try {
            LinuxException.check(MountApi.mountSetattr(tree, "", MountApi.AT_EMPTY_PATH, MountApi.MOUNT_ATTR_IDMAP, 0, 0,
                    userns.fd()), "mount_setattr(clone of \"" + source + "\", MOUNT_ATTR_IDMAP, user namespace "
                    + userns.describe() + ")");
            LinuxException.check(MountApi.moveMount(tree, "", MountApi.AT_FDCWD, target, MountApi.MOVE_MOUNT_F_EMPTY_PATH),
                    "move_mount(clone of \"" + source + "\", \"" + target + "\")");
        } finally {
            // An attached tree stays mounted; a detached one is freed with its last descriptor.
            LibC.close(tree);
        }
    }
}
