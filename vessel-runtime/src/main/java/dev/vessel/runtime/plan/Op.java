package dev.vessel.runtime.plan;

import java.util.List;

/**
 * One operation of a launch plan. {@code vessel-init} executes these in order and decides
 * nothing: every path, flag and value here was computed in Java. The wire encoding of each
 * record is documented at the top of {@code src/main/c/vessel-init.c} and implemented by
 * {@link LaunchPlan#encode()}.
 *
 * <p>Ops before {@link Clone} run in {@code vessel-init} itself (joining namespaces, the time
 * namespace's offsets); ops after it run in the cloned child, the future container process.
 *
 * <p>Paths called "in root" are resolved by the helper beneath the rootfs directory with
 * {@code openat2(RESOLVE_IN_ROOT)}, so a symlink in the rootfs can never lead outside it.
 */
public sealed interface Op {

    /* ---- parent side, before the clone ---- */

    /** setns(open(path), nstype): join an existing namespace. */
    record SetNs(String path, int nsType) implements Op {}

    /**
     * Where a SUPERVISE helper writes the container process's exit ("status S\ntime T\n"),
     * atomically, when it exits: the record that outlives the engine (see vessel-init.c).
     */
    record RecordExit(String path) implements Op {}

    /** unshare(flags) in the helper itself (used for CLONE_NEWTIME before writing offsets). */
    record Unshare(long flags) implements Op {}

    /**
     * clone3 with these CLONE_NEW* flags. The helper reports the child's host pid to Java and
     * the child waits until Java has written uid/gid maps and joined the cgroup.
     */
    record Clone(long flags) implements Op {}

    /* ---- child side ---- */

    /** setsid(); with {@code ctty} also TIOCSCTTY on fd 0 (so after {@link Console}). */
    record SetSid(boolean ctty) implements Op {}

    /** setresuid/setresgid(0) right after the clone, to become root of a new user namespace. */
    record BecomeRoot() implements Op {}

    record SetHostname(String name) implements Op {}

    record SetDomainname(String name) implements Op {}

    /**
     * keyctl(KEYCTL_JOIN_SESSION_KEYRING, name): the process leaves the caller's session keyring
     * for the named one, created if it does not exist; then its permissions become
     * {@code (perm & permMask) | permSet} (all ones and 0: left as they are). ENOSYS, a kernel
     * without keyrings, is not an error.
     */
    record JoinSessionKeyring(String name, int permMask, int permSet) implements Op {}

    /**
     * mount(2). {@code target} is resolved in {@code root} (a host path, or "" for an absolute
     * target such as the rootfs itself); {@code source} is a host path or a pseudo-source
     * ("proc", "tmpfs"). With {@code sourceInRoot} the source is also resolved in root
     * (remounts, self binds).
     */
    record Mount(String source, boolean sourceInRoot, String root, String target, String fsType,
                 long flags, String data) implements Op {}

    /** mkdir -p of {@code path} in root, each created directory with {@code mode}. */
    record MkdirAll(String root, String path, int mode) implements Op {}

    /** create an empty regular file (a bind-mount target for a file) in root; missing parents are made 0755. */
    record MkFile(String root, String path, int mode) implements Op {}

    /** mknod in root, then chown; EEXIST is not an error (as runc: an existing node is kept). */
    record Mknod(String root, String path, int mode, long dev, int uid, int gid) implements Op {}

    /** symlink(target, linkpath in root); EEXIST is not an error. */
    record Symlink(String root, String target, String linkPath) implements Op {}

    /** pivot_root into {@code root}; with {@code moveFallback} MS_MOVE + chroot when pivot_root fails with EINVAL (initramfs). */
    record PivotRoot(String root, boolean moveFallback) implements Op {}

    /** chroot(root) + chdir("/") for --no-pivot. */
    record Chroot(String root) implements Op {}

    /** maskedPaths entry, after the pivot: /dev/null over a file, read-only tmpfs over a directory, absent paths skipped. */
    record MaskPath(String path) implements Op {}

    /** readonlyPaths entry, after the pivot: bind onto itself and remount read-only; absent paths skipped. */
    record ReadonlyPath(String path) implements Op {}

    /** open(path, O_WRONLY|O_TRUNC) and write content: sysctls, oom_score_adj. */
    record WriteFile(String path, String content) implements Op {}

    record SetRlimit(int resource, long soft, long hard) implements Op {}

    record Chdir(String path) implements Op {}

    record Umask(int mask) implements Op {}

    /**
     * The container's terminal, created inside it (after the pivot, so from its own devpts):
     * open /dev/ptmx, unlock, open the peer through the master (TIOCGPTPEER), bind the peer onto
     * {@code consolePath} unless it is "", send the master over the connected AF_UNIX socket
     * {@code socketFd} (SCM_RIGHTS, with the peer's name "/dev/pts/N" as the data, as runc does
     * for --console-socket), then make the peer fds 0, 1 and 2. {@code socketFd} is the
     * container-side number (e.g. passed as the last preserved fd, and made close-on-exec by
     * {@link CloseFds}). {@code rows} and {@code columns} (process.consoleSize) are the pty's
     * window size from the start, before the process runs; 0 and 0 leave the kernel's.
     */
    record Console(int socketFd, String consolePath, int rows, int columns) implements Op {}

    /** drop every capability not in {@code bounding} from the bounding set; PR_SET_KEEPCAPS. */
    record CapBounding(long bounding) implements Op {}

    record SetGroups(List<Integer> gids) implements Op {}

    record SetGid(int gid) implements Op {}

    record SetUid(int uid) implements Op {}

    /** capset of the remaining sets and the ambient raise, after the uid change. */
    record Caps(long effective, long permitted, long inheritable, long ambient) implements Op {}

    record NoNewPrivs() implements Op {}

    /**
     * install a classic BPF seccomp filter (little-endian sock_filter array), with SECCOMP_FILTER_FLAG_* flags.
     * With SECCOMP_FILTER_FLAG_NEW_LISTENER the listener goes to Java (see {@link InitSession#onSeccompListener})
     * and the process closes its own copy.
     */
    record Seccomp(byte[] bpf, int flags) implements Op {}

    /**
     * Every fd >= {@code from} is made close-on-exec, so the exec closes them; the helper's own
     * descriptors stay usable until then. Preserved fds are 3..from-1.
     */
    record CloseFds(int from) implements Op {}

    /** look up {@code file} on {@code searchPath} (when it has no '/') and check it is executable; fails with ENOENT/EACCES. */
    record CheckExec(String file, String searchPath) implements Op {}

    /**
     * The hooks barrier, after the rootfs is mounted and before the pivot: report HOOKS, then block
     * until Java has run the prestart, createRuntime and createContainer hooks and sends RESUME
     * (the OCI lifecycle, as runc's prepareRootfs syncs with its parent). The channel closing
     * instead ends the process.
     */
    record SyncHooks() implements Op {}

    /** report READY, then block opening {@code fifo} for writing until {@code start} reads it. */
    record WaitStart(String fifo) implements Op {}

    /** execve, looking {@code file} up on {@code searchPath} when it has no '/'. */
    record Exec(String file, String searchPath, List<String> argv, List<String> env) implements Op {}
}
