package dev.vessel.linux;

import static dev.vessel.linux.NativeCall.errno;
import static dev.vessel.linux.NativeCall.linkVariadic;
import static dev.vessel.linux.NativeCall.rethrow;
import static dev.vessel.linux.NativeCall.state;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;

/**
 * The new mount API calls that idmapped mounts need (open_tree, mount_setattr, move_mount),
 * C-shaped: they return {@code -errno}. glibc 2.36 wraps none of them, so they go through
 * syscall(2); the numbers come from the asm-generic table, which x86_64 and arm64 share for
 * these calls (added in 5.2 and 5.12).
 */
final class MountApi {

    static final long SYS_OPEN_TREE = 428, SYS_MOVE_MOUNT = 429, SYS_MOUNT_SETATTR = 442;
    static final int AT_FDCWD = -100, AT_EMPTY_PATH = 0x1000, AT_RECURSIVE = 0x8000;
    static final int OPEN_TREE_CLONE = 1, OPEN_TREE_CLOEXEC = Fds.O_CLOEXEC;
    static final int MOVE_MOUNT_F_EMPTY_PATH = 0x4;
    static final long MOUNT_ATTR_IDMAP = 0x0010_0000;

    /** struct mount_attr (linux/mount.h, MOUNT_ATTR_SIZE_VER0 = 32). */
    static final StructLayout MOUNT_ATTR = MemoryLayout.structLayout(
            JAVA_LONG.withName("attr_set"), JAVA_LONG.withName("attr_clr"),
            JAVA_LONG.withName("propagation"), JAVA_LONG.withName("userns_fd")).withName("mount_attr");

    // syscall(nr, int, const char *, unsigned): open_tree
    private static final class SyscallIntPathInt {
        static final MethodHandle H = linkVariadic("syscall", 1,
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG));
    }
    // syscall(nr, int, const char *, int|unsigned, pointer, unsigned|size_t): move_mount, mount_setattr
    private static final class SyscallIntPathIntPtrInt {
        static final MethodHandle H = linkVariadic("syscall", 1,
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG));
    }

    private MountApi() {}

    /** open_tree(dfd, path, flags): a descriptor for the mount at path (a detached copy with OPEN_TREE_CLONE). */
    static int openTree(int dfd, String path, int flags) {
        MemorySegment st = state();
        try (Arena arena = Arena.ofConfined()) {
            long r = (long) SyscallIntPathInt.H.invokeExact(st, SYS_OPEN_TREE, (long) dfd,
                    arena.allocateFrom(path), (long) flags);
            return r < 0 ? -errno(st) : (int) r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** mount_setattr(dfd, path, flags, {attr_set, attr_clr, propagation, userns_fd}, sizeof). */
    static int mountSetattr(int dfd, String path, int flags, long attrSet, long attrClr, long propagation, int usernsFd) {
        MemorySegment st = state();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(MOUNT_ATTR);
            attr.set(JAVA_LONG, MOUNT_ATTR.byteOffset(MemoryLayout.PathElement.groupElement("attr_set")), attrSet);
            attr.set(JAVA_LONG, MOUNT_ATTR.byteOffset(MemoryLayout.PathElement.groupElement("attr_clr")), attrClr);
            attr.set(JAVA_LONG, MOUNT_ATTR.byteOffset(MemoryLayout.PathElement.groupElement("propagation")), propagation);
            attr.set(JAVA_LONG, MOUNT_ATTR.byteOffset(MemoryLayout.PathElement.groupElement("userns_fd")), usernsFd);
            long r = (long) SyscallIntPathIntPtrInt.H.invokeExact(st, SYS_MOUNT_SETATTR, (long) dfd,
                    arena.allocateFrom(path), (long) flags, attr, MOUNT_ATTR.byteSize());
            return r < 0 ? -errno(st) : (int) r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** move_mount(fromDfd, fromPath, toDfd, toPath, flags): attaches (or moves) a mount. */
    static int moveMount(int fromDfd, String fromPath, int toDfd, String toPath, int flags) {
        MemorySegment st = state();
        try (Arena arena = Arena.ofConfined()) {
            long r = (long) SyscallIntPathIntPtrInt.H.invokeExact(st, SYS_MOVE_MOUNT, (long) fromDfd,
                    arena.allocateFrom(fromPath), (long) toDfd, arena.allocateFrom(toPath), (long) flags);
            return r < 0 ? -errno(st) : (int) r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
