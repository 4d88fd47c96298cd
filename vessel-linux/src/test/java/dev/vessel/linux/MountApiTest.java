package dev.vessel.linux;

import static dev.vessel.linux.Structs.offset;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** struct mount_attr against linux/mount.h (MOUNT_ATTR_SIZE_VER0), and the call numbers against asm-generic/unistd.h. */
class MountApiTest {

    @Test
    void mountAttrLayout() {
        assertEquals(32, MountApi.MOUNT_ATTR.byteSize());
        assertEquals(0, offset(MountApi.MOUNT_ATTR, "attr_set"));
        assertEquals(8, offset(MountApi.MOUNT_ATTR, "attr_clr"));
        assertEquals(16, offset(MountApi.MOUNT_ATTR, "propagation"));
        assertEquals(24, offset(MountApi.MOUNT_ATTR, "userns_fd"));
    }

    @Test
    void constantsFromTheHeaders() {
        assertEquals(428, MountApi.SYS_OPEN_TREE);
        assertEquals(429, MountApi.SYS_MOVE_MOUNT);
        assertEquals(442, MountApi.SYS_MOUNT_SETATTR);
        assertEquals(0x100000, MountApi.MOUNT_ATTR_IDMAP);
        assertEquals(02000000, MountApi.OPEN_TREE_CLOEXEC);
    }

    @Test
    void openTreeOfAMissingPathReturnsMinusEnoent() {
        // No privilege is needed to look the path up; the lookup fails before any permission check.
        assertEquals(-Errno.ENOENT.number(), MountApi.openTree(MountApi.AT_FDCWD, "/nonexistent/vessel-mountapi", 0));
    }
}
