/*
 * vessel-init: executes a launch plan computed in Java (dev.vessel.runtime.plan) in the window
 * between clone and execve, where a JVM cannot run. It interprets; it never decides: every path,
 * flag and value comes from the plan, every failing syscall is reported with the index of the op.
 *
 * ----------------------------------------------------------------------------------------------
 * Protocol
 *
 *   Java (InitSession)              vessel-init (the helper)               child (container init)
 *   socketpair, posix_spawn ------> fd 3 = channel, argv[1] = N preserved
 *                                   fds at 4..4+N-1 (moved down to 3..)
 *   HEADER, OP * count -----------> opens every WaitStart fifo's directory
 *                                   and every SET_NS namespace
 *                                   runs the ops before CLONE
 *                                   clone3(flags) ----------------------->  waits for GO
 *   <-------------------------------- PID(host pid)
 *   writes uid_map/gid_map,
 *   joins the cgroup
 *   GO ---------------------------> relays GO ---------------------------->  runs the ops after CLONE
 *                                    [a SYNC_HOOKS op: the rootfs is mounted, the pivot is still to come]
 *   <-------------------------------- HOOKS <-------------------------------  blocks until RESUME
 *   runs prestart, createRuntime
 *   hooks (runtime's namespaces), then
 *   createContainer hooks (through a
 *   second helper that joins the
 *   child's namespaces, as exec does)
 *   RESUME -----------------------> relays RESUME -------------------------->  goes on (PIVOT_ROOT, ...)
 *                                                           <-- READY ---  at WAIT_START, then blocks
 *                                    [a SECCOMP op whose flags hold SECCOMP_FILTER_FLAG_NEW_LISTENER:]
 *                                    pidfd_getfd(child, N) <-- LISTENER(N) --  loaded the filter, its
 *                                    LISTENER_TAKEN ------------------------>  listener is fd N; closes
 *   <------------ LISTENER + the fd (SCM_RIGHTS)                              N, goes on
 *   hands it to linux.seccomp.listenerPath
 *   <-------------------------------- READY                                 in open(fifo, O_WRONLY)
 *   [DETACH: the helper exits 0]                                            until `start` reads it
 *                                                      <-- EOF ----------  execve closed the sync
 *   <-------------------------------- EXECED                                socket (close-on-exec)
 *   [DETACH: the helper exits 0]
 *   [MONITOR: the helper forwards SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH]
 *   <-------------------------------- EXIT(wait status); exit code, or 128 + signal
 *   [SUPERVISE: the helper is the container's monitor (conmon's role) for an engine that may
 *    die at any moment. From the start it is in a session of its own (no terminal's signals
 *    reach it) and a child subreaper; it forwards nothing. When the container process exits it
 *    writes the RECORD_EXIT file (temp file, fsync, rename: "status S\ntime SECONDS.NANOS\n",
 *    S the wait status, the time CLOCK_REALTIME), then sends EXIT (Java may be gone: ignored),
 *    then reaps every other child left to it until it has none, and exits.]
 *
 *   Java starts the helper from a sealed memfd copy of this binary, and the child is
 *   non-dumpable until its exec: before the exec it may be visible inside a container (exec,
 *   shared pid namespace) and must not let anyone reach the host binary or its descriptors.
 *
 *   A failing op, in the helper or the child: ERROR(op index, errno), then exit 1 (the child's
 *   ERROR is relayed by the helper, which reaps the child). Index 0xffffffff means the plan
 *   itself was malformed. If Java closes the channel before GO, or at HOOKS instead of sending
 *   RESUME, the helper kills the child (a child that finds the helper gone exits by itself).
 *   The listener goes up by number and is taken with pidfd_getfd, as runc does: once the filter is
 *   loaded a NOTIFY rule may match any syscall the child makes (sendmsg included) and would block
 *   it for good, nobody but the child holding the listener yet. So the child only write()s and
 *   read()s (spec validation refuses NOTIFY on write) until the helper, which has no filter, holds
 *   a copy; after that a notified syscall simply waits for the agent, which Java hands the fd to
 *   before it waits for READY. Needs Linux 5.6 (pidfd_getfd).
 *
 *   The child talks only to the helper (SOCK_SEQPACKET pair, one frame per message); the helper
 *   is the only writer on the channel. The helper's exit after READY in DETACH mode reparents
 *   the container process to the caller's subreaper, as runc does.
 *
 * Wire encoding (little-endian). Every message is a frame: u32 type, u32 length, payload.
 *   Java -> helper   0x100 HEADER  u32 magic 0x504c5356 ("VSLP"), u32 version 1,
 *                                  u32 mode (1 DETACH, 2 MONITOR), u32 op count
 *                    1..33  OP     the op's fields, in the order of OPS below
 *                    0x101  GO     (empty)
 *                   (u32 mode 3 SUPERVISE; its plan holds a RECORD_EXIT op before CLONE)
 *                    0x103  RESUME (empty): the hooks of SYNC_HOOKS have run, go on
 *   helper -> child  0x102  LISTENER_TAKEN (empty): the helper holds its copy of the listener
 *                    0x103  RESUME (relayed as it came)
 *   helper -> Java   0x200  PID    u32 pid of the child in the helper's pid namespace
 *                    0x201  READY  (empty)
 *                    0x202  EXECED (empty)
 *                    0x203  ERROR  u32 op index, u32 errno
 *                    0x204  EXIT   u32 wait status
 *                    0x205  LISTENER (empty payload, the seccomp listener fd as SCM_RIGHTS)
 *                    0x206  HOOKS  (empty): the child waits at SYNC_HOOKS for RESUME
 *   child -> helper  0x205  LISTENER u32 the listener's fd number in the child
 *                    0x206  HOOKS  (empty)
 *   Field codes: u = u32, q = u64, b = bool as u32 0/1, s = string (u32 length + UTF-8 bytes,
 *   no NUL), L = string list (u32 count + strings), I = u32 list (u32 count + u32s),
 *   B = bytes (u32 length + bytes). An empty string for a mount's source, fstype or data is
 *   passed to mount(2) as NULL. An empty root means "not in a root": the path is used as is.
 *
 * Paths "in root" are opened with openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS) beneath a
 * descriptor of the root and used as /proc/self/fd/N, so no symlink can lead outside the root.
 *
 * Every failing syscall of an op is reported. Not checked, on purpose: close() of descriptors we
 * only looked through (O_PATH, directories, the read side), which cannot lose data; sends to
 * Java after the launch (Java may be gone, as after a daemon restart; the exit code remains);
 * and kill/waitpid while tearing down after a failure that is already being reported.
 *
 * `vessel-init reap PROGRAM ARGS...` (no plan, no channel): the engine's parent. Child
 * subreaper, it runs PROGRAM as its child, forwards SIGINT, SIGTERM, SIGHUP and SIGQUIT to it,
 * and reaps whatever is reparented to it, so the monitors of an engine that died (orphans
 * then) are reaped whatever the host's pid 1 does. It exits once nothing is left below it,
 * with PROGRAM's status (128 + signal when a signal ended it).
 * ----------------------------------------------------------------------------------------------
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/keyctl.h>
#include <linux/openat2.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the plan is little-endian and decoded with memcpy"
#endif

/* code, name, fields: the Java encoder writes an op's record components in this order (OpCodesTest checks). */
#define OPS(X)                          \
    X(1, SET_NS, "su")                  \
    X(2, UNSHARE, "q")                  \
    X(3, CLONE, "q")                    \
    X(4, SET_SID, "b")                  \
    X(5, BECOME_ROOT, "")               \
    X(6, SET_HOSTNAME, "s")             \
    X(7, SET_DOMAINNAME, "s")           \
    X(8, MOUNT, "sbsssqs")              \
    X(9, MKDIR_ALL, "ssu")              \
    X(10, MK_FILE, "ssu")               \
    X(11, MKNOD, "ssuquu")              \
    X(12, SYMLINK, "sss")               \
    X(13, PIVOT_ROOT, "sb")             \
    X(14, CHROOT, "s")                  \
    X(15, MASK_PATH, "s")               \
    X(16, READONLY_PATH, "s")           \
    X(17, WRITE_FILE, "ss")             \
    X(18, SET_RLIMIT, "uqq")            \
    X(19, CHDIR, "s")                   \
    X(20, UMASK, "u")                   \
    X(21, CAP_BOUNDING, "q")            \
    X(22, SET_GROUPS, "I")              \
    X(23, SET_GID, "u")                 \
    X(24, SET_UID, "u")                 \
    X(25, CAPS, "qqqq")                 \
    X(26, NO_NEW_PRIVS, "")             \
    X(27, SECCOMP, "Bu")                \
    X(28, CLOSE_FDS, "u")               \
    X(29, CHECK_EXEC, "ss")             \
    X(30, WAIT_START, "s")              \
    X(31, EXEC, "ssLL")                 \
    X(32, CONSOLE, "usuu")              \
    X(33, JOIN_SESSION_KEYRING, "suu")  \
    X(34, SYNC_HOOKS, "")               \
    X(35, RECORD_EXIT, "s")

#define X_ENUM(code, name, fields) OP_##name = code,
enum { OPS(X_ENUM) OP_LAST };
#define X_FORMAT(code, name, fields) [code] = fields,
static const char *const FORMAT[] = {OPS(X_FORMAT)};

enum { MSG_HEADER = 0x100, MSG_GO = 0x101, MSG_LISTENER_TAKEN = 0x102, MSG_RESUME = 0x103, MSG_PID = 0x200,
       MSG_READY = 0x201, MSG_EXECED = 0x202, MSG_ERROR = 0x203, MSG_EXIT = 0x204, MSG_LISTENER = 0x205,
       MSG_HOOKS = 0x206 };
enum { MODE_DETACH = 1, MODE_MONITOR = 2, MODE_SUPERVISE = 3 };
#define PLAN_MAGIC 0x504c5356u
#define PLAN_VERSION 1u
#define PLAN_INDEX 0xffffffffu
#define MAX_FRAME (64u << 20)

struct op {
    uint32_t type;
    const char *s[5];       /* the op's strings in order */
    uint64_t n[4];          /* its numbers and booleans in order */
    char **list[2];         /* its string lists (NULL-terminated) */
    uint32_t *ids, nids;    /* its u32 list */
    uint8_t *bytes;         /* its byte string */
    uint32_t nbytes;
    int fd;                 /* opened before any op runs: WAIT_START's fifo directory, SET_NS's namespace */
};

static int channel = -1;    /* to Java */
static int sync_fd = -1;    /* helper <-> child */
static const char *exit_record; /* SUPERVISE: where the exit status is written (RECORD_EXIT) */

/* ---------------------------------------------------------------- framing */

static int read_full(int fd, void *buf, size_t len) {
    size_t done = 0;
    while (done < len) {
        ssize_t n = read(fd, (char *)buf + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        if (n == 0)
            return done == 0 ? 0 : -EPROTO; /* EOF inside a frame */
        done += (size_t)n;
    }
    return 1;
}

/* One send per frame: on the SEQPACKET sync socket a frame is one message. MSG_NOSIGNAL: a
 * vanished reader is EPIPE, never SIGPIPE (nothing is ever left ignored across the exec). */
static int send_frame(int fd, uint32_t type, const void *payload, uint32_t len) {
    uint8_t buf[32];
    if (len > sizeof buf - 8)
        return -EMSGSIZE;
    memcpy(buf, &type, 4);
    memcpy(buf + 4, &len, 4);
    if (len)
        memcpy(buf + 8, payload, len);
    size_t done = 0, total = 8 + len;
    while (done < total) {
        ssize_t n = send(fd, buf + done, total - done, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        done += (size_t)n;
    }
    return 0;
}

static void send_error(int fd, uint32_t index, int err) {
    uint32_t p[2] = {index, (uint32_t)err};
    /* If the reader is gone there is nobody left to tell; the exit status still says 1. */
    (void)send_frame(fd, MSG_ERROR, p, sizeof p);
}

static void send_u32(uint32_t type, uint32_t value) {
    (void)send_frame(channel, type, &value, 4); /* Java may be gone (daemon restart): we go on */
}

/* One sendmsg of data with fd attached (SCM_RIGHTS); data is small enough to go at once. */
static int send_with_fd(int sock, const void *data, size_t len, int fd) {
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int))];
    } control;
    memset(&control, 0, sizeof control);
    struct iovec iov = {.iov_base = (void *)data, .iov_len = len};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                         .msg_controllen = sizeof control.buf};
    struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
    ssize_t sent;
    do {
        sent = sendmsg(sock, &msg, MSG_NOSIGNAL);
    } while (sent < 0 && errno == EINTR);
    return sent < 0 ? -errno : 0;
}

/* ---------------------------------------------------------------- plan decoding */

struct cursor {
    const uint8_t *p, *end;
};

static int take(struct cursor *c, void *out, size_t len) {
    if ((size_t)(c->end - c->p) < len)
        return -EPROTO;
    memcpy(out, c->p, len);
    c->p += len;
    return 0;
}

static int take_str(struct cursor *c, char **out) {
    uint32_t len;
    if (take(c, &len, 4) || (size_t)(c->end - c->p) < len || memchr(c->p, 0, len))
        return -EPROTO;
    char *s = malloc(len + 1);
    if (!s)
        return -ENOMEM;
    memcpy(s, c->p, len);
    s[len] = 0;
    c->p += len;
    *out = s;
    return 0;
}

static int decode_op(uint32_t type, const uint8_t *payload, uint32_t len, struct op *op) {
    if (type == 0 || type >= OP_LAST)
        return -EPROTO;
    struct cursor c = {payload, payload + len};
    int ns = 0, nn = 0, nl = 0;
    op->type = type;
    op->fd = -1;
    for (const char *f = FORMAT[type]; *f; f++) {
        uint32_t u, count;
        char *s;
        switch (*f) {
        case 'u':
        case 'b':
            if (take(&c, &u, 4))
                return -EPROTO;
            op->n[nn++] = u;
            break;
        case 'q':
            if (take(&c, &op->n[nn++], 8))
                return -EPROTO;
            break;
        case 's':
            if (take_str(&c, &s))
                return -EPROTO;
            op->s[ns++] = s;
            break;
        case 'L':
            if (take(&c, &count, 4) || count > len)
                return -EPROTO;
            char **list = calloc(count + 1, sizeof *list);
            if (!list)
                return -ENOMEM;
            for (uint32_t i = 0; i < count; i++)
                if (take_str(&c, &list[i]))
                    return -EPROTO;
            op->list[nl++] = list;
            break;
        case 'I':
            if (take(&c, &count, 4) || count > len / 4)
                return -EPROTO;
            op->ids = calloc(count + 1, 4);
            if (!op->ids)
                return -ENOMEM;
            op->nids = count;
            if (take(&c, op->ids, (size_t)count * 4))
                return -EPROTO;
            break;
        case 'B':
            if (take(&c, &count, 4) || count > len)
                return -EPROTO;
            op->bytes = malloc(count + 1);
            if (!op->bytes)
                return -ENOMEM;
            op->nbytes = count;
            if (take(&c, op->bytes, count))
                return -EPROTO;
            break;
        }
    }
    return c.p == c.end ? 0 : -EPROTO;
}

/* Reads one frame from the channel; *payload is malloc'ed. 0 at EOF, 1 for a frame, -errno. */
static int read_frame(uint32_t *type, uint8_t **payload, uint32_t *len) {
    uint32_t hdr[2];
    int r = read_full(channel, hdr, sizeof hdr);
    if (r <= 0)
        return r;
    if (hdr[1] > MAX_FRAME)
        return -EMSGSIZE;
    *type = hdr[0];
    *len = hdr[1];
    *payload = malloc(hdr[1] + 1);
    if (!*payload)
        return -ENOMEM;
    r = read_full(channel, *payload, hdr[1]);
    return hdr[1] == 0 ? 1 : (r == 0 ? -EPROTO : r);
}

/* ---------------------------------------------------------------- paths in root */

static int open_root(const char *root) {
    int fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

static int openat2_in_root(int rootfd, const char *path, uint64_t flags) {
    struct open_how how = {.flags = flags | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
    if (*path == 0)
        path = ".";
    for (int attempt = 0;; attempt++) {
        long fd = syscall(SYS_openat2, rootfd, path, &how, sizeof how);
        /* EAGAIN: a concurrent rename or mount raced with ".." resolution; the kernel asks to retry. */
        if (fd < 0 && (errno == EAGAIN || errno == EINTR) && attempt < 16)
            continue;
        return fd < 0 ? -errno : (int)fd;
    }
}

/* Opens path beneath root (or as is when root is ""), O_PATH unless flags say otherwise. */
static int open_in(const char *root, const char *path, int flags) {
    if (*root == 0) {
        int fd = open(path, flags | O_CLOEXEC);
        return fd < 0 ? -errno : fd;
    }
    int rootfd = open_root(root);
    if (rootfd < 0)
        return rootfd;
    int fd = openat2_in_root(rootfd, path, (uint64_t)flags);
    close(rootfd);
    return fd;
}

static void fd_path(char *buf, size_t size, int fd) {
    snprintf(buf, size, "/proc/self/fd/%d", fd);
}

/* Splits path into its parent (opened in root, O_PATH directory) and its last component,
 * returned in *base (malloc'ed, freed by the caller; trailing slashes dropped). */
static int open_parent(const char *root, const char *path, char **base) {
    char *copy = strdup(path);
    if (!copy)
        return -ENOMEM;
    size_t len = strlen(copy);
    while (len > 1 && copy[len - 1] == '/')
        copy[--len] = 0;
    char *slash = strrchr(copy, '/');
    const char *name = slash ? slash + 1 : copy;
    if (*name == 0 || strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || !(*base = strdup(name))) {
        free(copy);
        return *name ? -ENOMEM : -EINVAL;
    }
    const char *dir = slash == copy ? "/" : (slash ? (*slash = 0, copy) : ".");
    int fd = open_in(root, dir, O_PATH | O_DIRECTORY);
    free(copy);
    if (fd < 0)
        free(*base);
    return fd;
}

/* mkdir -p, one component at a time: each prefix is resolved in root, the next directory is made
 * with mkdirat in the real directory found, so a symlink met on the way stays inside the root. */
static int mkdir_all(const char *root, const char *path, mode_t mode) {
    char *prefix = malloc(strlen(path) + 4);
    if (!prefix)
        return -ENOMEM;
    int parent = open_in(root, *path == '/' ? "/" : ".", O_PATH | O_DIRECTORY);
    /* In a root every path starts at the root; outside one, a relative path starts here. */
    strcpy(prefix, *root == 0 && *path != '/' ? "." : "");
    const char *p = path;
    while (parent >= 0 && *p) {
        while (*p == '/')
            p++;
        const char *end = strchrnul(p, '/');
        if (end == p)
            break;
        char comp[256];
        if ((size_t)(end - p) >= sizeof comp) {
            close(parent);
            parent = -ENAMETOOLONG;
            break;
        }
        memcpy(comp, p, (size_t)(end - p));
        comp[end - p] = 0;
        strcat(prefix, "/");
        strncat(prefix, p, (size_t)(end - p));
        int fd = open_in(root, prefix, O_PATH | O_DIRECTORY);
        if (fd == -ENOENT) {
            if (mkdirat(parent, comp, mode) < 0 && errno != EEXIST)
                fd = -errno;
            else
                fd = open_in(root, prefix, O_PATH | O_DIRECTORY);
        }
        close(parent);
        parent = fd;
        p = end;
    }
    free(prefix);
    if (parent < 0)
        return parent;
    close(parent);
    return 0;
}

/* ---------------------------------------------------------------- the ops */

static int err(void) { return -errno; }

static const char *nullable(const char *s) { return *s ? s : NULL; }

static int op_mount(struct op *op) {
    const char *source = op->s[0], *root = op->s[1], *target = op->s[2];
    int srcfd = -1, dstfd = -1, r;
    char src[64], dst[64];
    if (op->n[0]) {
        if ((srcfd = open_in(root, source, O_PATH)) < 0)
            return srcfd;
        fd_path(src, sizeof src, srcfd);
        source = src;
    }
    if (*root) {
        if ((dstfd = open_in(root, target, O_PATH)) < 0) {
            if (srcfd >= 0)
                close(srcfd);
            return dstfd;
        }
        fd_path(dst, sizeof dst, dstfd);
        target = dst;
    }
    r = mount(nullable(source), target, nullable(op->s[3]), op->n[1], nullable(op->s[4])) < 0 ? err() : 0;
    if (srcfd >= 0)
        close(srcfd);
    if (dstfd >= 0)
        close(dstfd);
    return r;
}

static int op_mkfile(const char *root, const char *path, mode_t mode) {
    int fd = open_in(root, path, O_PATH);
    if (fd >= 0) {
        close(fd);
        return 0; /* exists already: a mount target only needs to exist */
    }
    if (fd != -ENOENT)
        return fd;
    char *base, *dir = strdup(path);
    if (!dir)
        return -ENOMEM;
    char *slash = strrchr(dir, '/');
    int r = 0;
    if (slash) {
        *slash = 0;
        r = mkdir_all(root, *dir ? dir : "/", 0755); /* parents: rwxr-xr-x, as mkdir -p does */
    }
    free(dir);
    if (r < 0)
        return r;
    int parent = open_parent(root, path, &base);
    if (parent < 0)
        return parent;
    fd = openat(parent, base, O_CREAT | O_EXCL | O_NOFOLLOW | O_RDONLY | O_CLOEXEC, mode);
    r = fd < 0 ? err() : 0;
    if (fd >= 0)
        close(fd);
    close(parent);
    free(base);
    return r;
}

static int op_mknod(struct op *op) {
    char *base;
    int parent = open_parent(op->s[0], op->s[1], &base);
    if (parent < 0)
        return parent;
    int r = 0;
    /* EEXIST is not an error (runc's behaviour: an existing node is left alone). */
    if (mknodat(parent, base, (mode_t)op->n[0], (dev_t)op->n[1]) < 0 && errno != EEXIST)
        r = err();
    else if (fchownat(parent, base, (uid_t)op->n[2], (gid_t)op->n[3], AT_SYMLINK_NOFOLLOW) < 0)
        r = err();
    close(parent);
    free(base);
    return r;
}

static int op_symlink(struct op *op) {
    char *base;
    int parent = open_parent(op->s[0], op->s[2], &base);
    if (parent < 0)
        return parent;
    int r = symlinkat(op->s[1], parent, base) < 0 && errno != EEXIST ? err() : 0;
    close(parent);
    free(base);
    return r;
}

/* runc's sequence: pivot_root(".", ".") stacks the old root under the new one at "/"; we step
 * onto it through a descriptor, make it a slave so the unmount does not propagate to the host,
 * and detach it. */
static int op_pivot_root(const char *root, int move_fallback) {
    int r = 0;
    int oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    if (oldroot < 0)
        return err();
    int newroot = open(root, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    if (newroot < 0) {
        r = err();
        close(oldroot);
        return r;
    }
    if (fchdir(newroot) < 0) {
        r = err();
    } else if (syscall(SYS_pivot_root, ".", ".") < 0) {
        r = err();
        /* EINVAL: the root is on rootfs/initramfs, which cannot be pivoted away from. */
        if (r == -EINVAL && move_fallback) {
            if (mount(".", "/", NULL, MS_MOVE, NULL) < 0 || chroot(".") < 0)
                r = err();
            else
                r = 0;
        }
    } else if (fchdir(oldroot) < 0 || mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0 ||
               umount2(".", MNT_DETACH) < 0) {
        r = err();
    }
    if (r == 0 && chdir("/") < 0)
        r = err();
    close(oldroot);
    close(newroot);
    return r;
}

static int op_mask_path(const char *path) {
    if (mount("/dev/null", path, NULL, MS_BIND, NULL) == 0 || errno == ENOENT)
        return 0; /* an absent path needs no mask */
    /* A directory cannot take a file bind: an empty read-only tmpfs hides it instead. */
    if (errno == ENOTDIR)
        return mount("tmpfs", path, "tmpfs", MS_RDONLY, NULL) < 0 ? err() : 0;
    return err();
}

static int op_readonly_path(const char *path) {
    struct statvfs st;
    if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0)
        return errno == ENOENT ? 0 : err(); /* an absent path needs no protection */
    if (statvfs(path, &st) < 0)
        return err();
    /* A remount must repeat the locked flags (nosuid, nodev, ...) or a user namespace refuses it;
     * ST_* and MS_* share their values for these. */
    unsigned long keep = st.f_flag & (ST_NOSUID | ST_NODEV | ST_NOEXEC | ST_NOATIME | ST_NODIRATIME);
    if (st.f_flag & ST_RELATIME)
        keep |= MS_RELATIME;
    return mount(path, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC | keep, NULL) < 0 ? err() : 0;
}

static int op_write_file(const char *path, const char *content) {
    int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd < 0)
        return err();
    size_t len = strlen(content), done = 0;
    int r = 0;
    while (done < len) {
        ssize_t n = write(fd, content + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            r = err();
            break;
        }
        done += (size_t)n;
    }
    if (close(fd) < 0 && r == 0)
        r = err();
    return r;
}

static int op_cap_bounding(uint64_t keep) {
    for (int cap = 0; cap < 64; cap++) {
        if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) < 0) {
            if (errno == EINVAL)
                break; /* past the kernel's last capability */
            return err();
        }
        if (!(keep & (1ull << cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
            return err();
    }
    /* Keep the permitted set across the coming setuid; CAPS sets the final sets after it. */
    return prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0 ? err() : 0;
}

static int op_caps(struct op *op) {
    struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[2];
    for (int i = 0; i < 2; i++) {
        data[i].effective = (uint32_t)(op->n[0] >> (32 * i));
        data[i].permitted = (uint32_t)(op->n[1] >> (32 * i));
        data[i].inheritable = (uint32_t)(op->n[2] >> (32 * i));
    }
    if (syscall(SYS_capset, &hdr, data) < 0)
        return err();
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
        return err();
    for (int cap = 0; cap < 64; cap++)
        if ((op->n[3] & (1ull << cap)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
            return err();
    return 0;
}

/* The listener to the helper (see "Protocol"): only write and read until the helper holds a copy. */
static int hand_over_listener(int listener) {
    uint32_t msg[3] = {MSG_LISTENER, 4, (uint32_t)listener}, reply[2];
    ssize_t n;
    do {
        n = write(sync_fd, msg, sizeof msg);
    } while (n < 0 && errno == EINTR);
    int r = n < 0 ? err() : 0;
    if (r == 0) {
        do {
            n = read(sync_fd, reply, sizeof reply);
        } while (n < 0 && errno == EINTR);
        r = n < 0 ? err() : (n != (ssize_t)sizeof reply || reply[0] != MSG_LISTENER_TAKEN) ? -EPROTO : 0;
    }
    close(listener); /* the exec must not leave the container holding its own listener */
    return r;
}

static int op_seccomp(struct op *op) {
    if (op->nbytes % sizeof(struct sock_filter) || op->nbytes / sizeof(struct sock_filter) > 0xffff)
        return -EINVAL;
    struct sock_fprog prog = {.len = (unsigned short)(op->nbytes / sizeof(struct sock_filter)),
                              .filter = (struct sock_filter *)op->bytes};
    long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, (unsigned)op->n[0], &prog);
    if (fd < 0)
        return err();
    return op->n[0] & SECCOMP_FILTER_FLAG_NEW_LISTENER ? hand_over_listener((int)fd) : 0;
}

/* JOIN_SESSION_KEYRING: join (or create) the named session keyring, then perm = (perm & mask) | set,
 * runc's way of letting the container's processes search it. ENOSYS (a kernel without keyrings)
 * is success: the keyring is isolation at best effort, as runc treats it. */
static int op_join_session_keyring(struct op *op) {
    long id = syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, op->s[0]);
    if (id < 0)
        return errno == ENOSYS ? 0 : err();
    uint32_t mask = (uint32_t)op->n[0], set = (uint32_t)op->n[1];
    if (mask == 0xffffffffu && set == 0)
        return 0;
    /* The description is "type;uid;gid;perm;name", perm in hex; the first call gives its size. */
    long size = syscall(SYS_keyctl, KEYCTL_DESCRIBE, id, NULL, 0);
    if (size < 0)
        return err();
    char *desc = malloc((size_t)size + 1);
    if (!desc)
        return -ENOMEM;
    long n = syscall(SYS_keyctl, KEYCTL_DESCRIBE, id, desc, size);
    int r = n < 0 ? err() : 0;
    if (r == 0) {
        desc[n < size ? n : size] = 0;
        char *p = desc;
        for (int field = 0; field < 3 && p; field++)
            p = strchr(p, ';') ? strchr(p, ';') + 1 : NULL;
        char *end;
        unsigned long perm = p ? strtoul(p, &end, 16) : 0;
        if (!p || *end != ';')
            r = -EPROTO;
        else if (syscall(SYS_keyctl, KEYCTL_SETPERM, id, ((uint32_t)perm & mask) | set) < 0)
            r = err();
    }
    free(desc);
    return r;
}

/* Walks searchPath as execvpe does (an empty entry is the current directory). With do_exec it
 * execs the first candidate that works; without it checks for an executable regular file.
 * Returns EACCES if some candidate was not executable, else the last error, else ENOENT. */
static int exec_lookup(const char *file, const char *search, char **argv, char **envp, int do_exec) {
    struct stat st;
    if (*file == 0)
        return -ENOENT;
    if (strchr(file, '/')) {
        if (do_exec) {
            execve(file, argv, envp);
            return err();
        }
        if (stat(file, &st) < 0)
            return err();
        if (!S_ISREG(st.st_mode))
            return -EACCES;
        return access(file, X_OK) < 0 ? err() : 0;
    }
    int seen_eacces = 0;
    size_t flen = strlen(file);
    for (const char *p = search;; p++) {
        const char *end = strchrnul(p, ':');
        size_t dlen = (size_t)(end - p);
        char *candidate = malloc(dlen + flen + 2);
        if (!candidate)
            return -ENOMEM;
        if (dlen) {
            memcpy(candidate, p, dlen);
            candidate[dlen++] = '/';
        }
        memcpy(candidate + dlen, file, flen + 1);
        int e;
        if (do_exec) {
            execve(candidate, argv, envp);
            e = errno;
        } else if (stat(candidate, &st) < 0) {
            e = errno;
        } else if (!S_ISREG(st.st_mode)) {
            e = EACCES;
        } else {
            e = access(candidate, X_OK) < 0 ? errno : 0;
        }
        free(candidate);
        if (e == 0)
            return 0;
        if (e == EACCES)
            seen_eacces = 1;
        else if (e != ENOENT && e != ENOTDIR && e != ESTALE && e != ELOOP && e != ENAMETOOLONG)
            return -e; /* like execvpe: a real failure of an existing candidate ends the search */
        if (*end == 0)
            break;
        p = end;
    }
    return seen_eacces ? -EACCES : -ENOENT;
}

/* CONSOLE: the pty comes from the container's own devpts (we are past the pivot); the peer is
 * opened through the master, so no path lookup can substitute another terminal. */
static int op_console(int sock, const char *console, unsigned short rows, unsigned short columns) {
    int unlock = 0, number, peer = -1, r = 0;
    char name[32];
    int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0)
        return err();
    if (ioctl(master, TIOCSPTLCK, &unlock) < 0 || ioctl(master, TIOCGPTN, &number) < 0 ||
        (peer = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY)) < 0) {
        r = err();
        goto out;
    }
    if (rows || columns) {
        struct winsize ws = {.ws_row = rows, .ws_col = columns};
        if (ioctl(master, TIOCSWINSZ, &ws) < 0) {
            r = err();
            goto out;
        }
    }
    snprintf(name, sizeof name, "/dev/pts/%d", number);
    if (*console && mount(name, console, NULL, MS_BIND, NULL) < 0) {
        r = err();
        goto out;
    }
    if ((r = send_with_fd(sock, name, strlen(name), master)) < 0)
        goto out;
    for (int fd = 0; fd < 3; fd++) {
        if (dup2(peer, fd) < 0) {
            r = err();
            goto out;
        }
    }
out:
    close(master);
    if (peer > 2)
        close(peer);
    return r;
}

/* WAIT_START: READY to Java (through the helper), then block until `start` opens the fifo for
 * reading. The directory was opened before any op ran, so it is reachable after pivot_root. */
static int op_wait_start(struct op *op) {
    const char *base = strrchr(op->s[0], '/');
    base = base ? base + 1 : op->s[0];
    int r = send_frame(sync_fd, MSG_READY, NULL, 0);
    if (r < 0 && r != -EPIPE)
        return r; /* EPIPE: a DETACH helper has exited after READY, as it should */
    int fd;
    do {
        fd = openat(op->fd, base, O_WRONLY | O_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return err();
    r = write(fd, "0", 1) < 0 ? err() : 0;
    close(fd);
    close(op->fd);
    return r;
}

/* SYNC_HOOKS: HOOKS to Java (through the helper), then block until RESUME. EOF (the helper was
 * killed, Java gave up) ends the process without an ERROR: there is nobody left to tell. */
static int op_sync_hooks(void) {
    uint32_t hdr[2];
    int r = send_frame(sync_fd, MSG_HOOKS, NULL, 0);
    if (r < 0)
        return r;
    ssize_t n;
    do {
        n = recv(sync_fd, hdr, sizeof hdr, 0);
    } while (n < 0 && errno == EINTR);
    if (n == 0 || (n < 0 && errno == ECONNRESET))
        _exit(1);
    if (n < 0)
        return err();
    return n == (ssize_t)sizeof hdr && hdr[0] == MSG_RESUME ? 0 : -EPROTO;
}

static int run_op(struct op *op) {
    uint64_t *n = op->n;
    const char **s = op->s;
    switch (op->type) {
    case OP_SET_NS: {
        int r = setns(op->fd, (int)n[0]) < 0 ? err() : 0;
        close(op->fd);
        op->fd = -1; /* not for the child to inherit */
        return r;
    }
    case OP_UNSHARE:
        return unshare((int)n[0]) < 0 ? err() : 0;
    case OP_SET_SID:
        if (setsid() < 0)
            return err();
        return n[0] && ioctl(0, TIOCSCTTY, 0) < 0 ? err() : 0;
    case OP_BECOME_ROOT:
        return setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0 ? err() : 0;
    case OP_SET_HOSTNAME:
        return sethostname(s[0], strlen(s[0])) < 0 ? err() : 0;
    case OP_SET_DOMAINNAME:
        return setdomainname(s[0], strlen(s[0])) < 0 ? err() : 0;
    case OP_MOUNT:
        return op_mount(op);
    case OP_MKDIR_ALL:
        return mkdir_all(s[0], s[1], (mode_t)n[0]);
    case OP_MK_FILE:
        return op_mkfile(s[0], s[1], (mode_t)n[0]);
    case OP_MKNOD:
        return op_mknod(op);
    case OP_SYMLINK:
        return op_symlink(op);
    case OP_PIVOT_ROOT:
        return op_pivot_root(s[0], (int)n[0]);
    case OP_CHROOT:
        return chroot(s[0]) < 0 || chdir("/") < 0 ? err() : 0;
    case OP_MASK_PATH:
        return op_mask_path(s[0]);
    case OP_READONLY_PATH:
        return op_readonly_path(s[0]);
    case OP_WRITE_FILE:
        return op_write_file(s[0], s[1]);
    case OP_SET_RLIMIT: {
        struct rlimit rl = {.rlim_cur = n[1], .rlim_max = n[2]};
        return setrlimit((int)n[0], &rl) < 0 ? err() : 0;
    }
    case OP_CHDIR:
        return chdir(s[0]) < 0 ? err() : 0;
    case OP_UMASK:
        umask((mode_t)n[0]);
        return 0;
    case OP_CAP_BOUNDING:
        return op_cap_bounding(n[0]);
    case OP_SET_GROUPS:
        return setgroups(op->nids, (gid_t *)op->ids) < 0 ? err() : 0;
    case OP_SET_GID:
        return setresgid((gid_t)n[0], (gid_t)n[0], (gid_t)n[0]) < 0 ? err() : 0;
    case OP_SET_UID:
        return setresuid((uid_t)n[0], (uid_t)n[0], (uid_t)n[0]) < 0 ? err() : 0;
    case OP_CAPS:
        return op_caps(op);
    case OP_NO_NEW_PRIVS:
        return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ? err() : 0;
    case OP_SECCOMP:
        return op_seccomp(op);
    case OP_CLOSE_FDS:
        /* Close-on-exec rather than close: our own descriptors (sync socket, fifo directory)
         * are still needed until the exec, which then closes them all. */
        return syscall(SYS_close_range, (unsigned)n[0], ~0u, CLOSE_RANGE_CLOEXEC) < 0 ? err() : 0;
    case OP_CHECK_EXEC:
        return exec_lookup(s[0], s[1], NULL, NULL, 0);
    case OP_WAIT_START:
        return op_wait_start(op);
    case OP_EXEC:
        return exec_lookup(s[0], s[1], op->list[0], op->list[1], 1);
    case OP_CONSOLE:
        return op_console((int)n[0], s[0], (unsigned short)n[1], (unsigned short)n[2]);
    case OP_JOIN_SESSION_KEYRING:
        return op_join_session_keyring(op);
    case OP_RECORD_EXIT:
        exit_record = op->s[0];
        return 0;
    case OP_SYNC_HOOKS:
        return op_sync_hooks();
    }
    return -EINVAL;
}

/* ---------------------------------------------------------------- helper and child */

static void fail_plan(uint32_t index, int neg_errno) {
    send_error(channel, index, -neg_errno);
    _exit(1);
}

static int forwarded(int sig) {
    return sig == SIGINT || sig == SIGTERM || sig == SIGHUP || sig == SIGQUIT || sig == SIGUSR1 ||
           sig == SIGUSR2 || sig == SIGWINCH;
}

static void child(struct op *ops, uint32_t count, uint32_t clone_index, const sigset_t *original) {
    uint32_t hdr[2];
    close(channel); /* only the helper talks to Java */
    /* Until the exec this process may share a pid namespace with the container's processes
     * (exec, or a shared pid namespace) while it holds host descriptors (the fifo directory,
     * the sync socket). Non-dumpable, its /proc/PID/{fd,exe,mem} need CAP_SYS_PTRACE; the exec
     * makes the container's program dumpable again as usual. */
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
        send_error(sync_fd, clone_index, errno);
        _exit(1);
    }
    if (sigprocmask(SIG_SETMASK, original, NULL) < 0) {
        send_error(sync_fd, clone_index, errno);
        _exit(1);
    }
    ssize_t n;
    do {
        n = recv(sync_fd, hdr, sizeof hdr, 0);
    } while (n < 0 && errno == EINTR);
    if (n != sizeof hdr || hdr[0] != MSG_GO)
        _exit(1); /* the helper is gone or Java gave up: nothing to run */
    for (uint32_t i = clone_index + 1; i < count; i++) {
        int r = run_op(&ops[i]);
        if (r < 0) {
            send_error(sync_fd, i, -r);
            _exit(1);
        }
    }
    send_error(sync_fd, count, EINVAL); /* the plan ended without EXEC */
    _exit(1);
}

/* The helper's copy of the child's seccomp listener, then LISTENER_TAKEN (the child closes its
 * copy), then the listener up to Java. The helper has no filter, so its sendmsg cannot block. */
static int take_listener(pid_t pid, int child_fd) {
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (pidfd < 0)
        return err();
    int fd = (int)syscall(SYS_pidfd_getfd, pidfd, child_fd, 0);
    int r = fd < 0 ? err() : 0;
    close(pidfd);
    if (r < 0)
        return r;
    if ((r = send_frame(sync_fd, MSG_LISTENER_TAKEN, NULL, 0)) == 0) {
        uint32_t frame[2] = {MSG_LISTENER, 0};
        r = send_with_fd(channel, frame, sizeof frame, fd);
    }
    close(fd);
    return r;
}

/* The SECCOMP op that asked for a listener, for errors in handing it over. */
static uint32_t listener_index(const struct op *ops, uint32_t count) {
    for (uint32_t i = 0; i < count; i++)
        if (ops[i].type == OP_SECCOMP && (ops[i].n[0] & SECCOMP_FILTER_FLAG_NEW_LISTENER))
            return i;
    return PLAN_INDEX;
}

/* The child waits at SYNC_HOOKS: tell Java, wait for its RESUME and pass it on. Anything else
 * from Java (EOF: it gave up, e.g. a hook failed) ends the container process; nothing is left. */
static void relay_hooks(pid_t pid) {
    uint32_t type, len;
    uint8_t *payload = NULL;
    int r = send_frame(channel, MSG_HOOKS, NULL, 0);
    if (r == 0)
        r = read_frame(&type, &payload, &len);
    free(payload);
    if (r <= 0 || type != MSG_RESUME) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        if (r != 0)
            send_error(channel, PLAN_INDEX, r < 0 ? -r : EPROTO);
        _exit(1);
    }
    /* A child that died meanwhile cannot take it; the loop's EOF and its exit status tell. */
    (void)send_frame(sync_fd, MSG_RESUME, NULL, 0);
}

static void report_exit(int status) {
    send_u32(MSG_EXIT, (uint32_t)status);
    _exit(WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 255);
}

/* MONITOR: forward signals to the child until it exits; report its status. The signals (and
 * SIGCHLD) are blocked since before the clone, so signalfd sees every one that arrived. */
static void monitor(pid_t pid, const sigset_t *forward) {
    int status;
    int sfd = signalfd(-1, forward, SFD_CLOEXEC);
    if (sfd < 0) {
        send_error(channel, PLAN_INDEX, errno);
        kill(pid, SIGKILL); /* an unmonitored container would outlive its "run": stop it */
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
        report_exit(status);
    }
    for (;;) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid)
            report_exit(status);
        if (w < 0 && errno != EINTR)
            _exit(255); /* cannot happen for our own child; nothing left to wait for */
        struct signalfd_siginfo si;
        ssize_t n = read(sfd, &si, sizeof si);
        if (n == (ssize_t)sizeof si && forwarded((int)si.ssi_signo))
            kill(pid, (int)si.ssi_signo); /* ESRCH: it just exited, the next waitpid sees it */
    }
}

/* SUPERVISE: the exit record, written so that a reader never sees half of it. */
static void write_exit_record(int status) {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    char tmp[4096], text[96];
    int n = snprintf(tmp, sizeof tmp, "%s.tmp", exit_record);
    int len = snprintf(text, sizeof text, "status %d\ntime %lld.%09ld\n", status, (long long)now.tv_sec, now.tv_nsec);
    if (n <= 0 || (size_t)n >= sizeof tmp)
        return;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return; /* nowhere to write: the engine sees the process gone without a record */
    int ok = write(fd, text, (size_t)len) == len && fsync(fd) == 0;
    close(fd);
    if (!ok || rename(tmp, exit_record) < 0)
        unlink(tmp);
}

/* SUPERVISE: wait for the container process, record its exit, then reap what is left to us. */
static void supervise(pid_t pid) {
    int status;
    for (;;) {
        pid_t w = waitpid(-1, &status, 0);
        if (w == pid)
            break;
        if (w < 0 && errno != EINTR)
            _exit(255); /* cannot happen while our own child is unreaped */
    }
    write_exit_record(status);
    send_u32(MSG_EXIT, (uint32_t)status);
    /* Orphans of a container without a pid namespace of its own were reparented to us. */
    while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
        ;
    _exit(0);
}

/* reap: as MONITOR does, the forwarded signals (and SIGCHLD) are blocked before the fork and
 * read from a signalfd, so none is lost while the child's pid is not yet known. */
static int reap(char **argv) {
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
        perror("vessel-init reap: PR_SET_CHILD_SUBREAPER");
        return 125;
    }
    sigset_t sigs, old;
    sigemptyset(&sigs);
    int list[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD};
    for (size_t i = 0; i < sizeof list / sizeof *list; i++)
        sigaddset(&sigs, list[i]);
    int sfd;
    if (sigprocmask(SIG_BLOCK, &sigs, &old) < 0 || (sfd = signalfd(-1, &sigs, SFD_CLOEXEC)) < 0) {
        perror("vessel-init reap: signalfd");
        return 125;
    }
    pid_t pid = fork();
    if (pid < 0) {
        perror("vessel-init reap: fork");
        return 125;
    }
    if (pid == 0) {
        sigprocmask(SIG_SETMASK, &old, NULL);
        execvp(argv[0], argv);
        fprintf(stderr, "vessel-init reap: exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int code = 0, child_alive = 1;
    for (;;) {
        int status;
        pid_t w;
        while ((w = waitpid(-1, &status, WNOHANG)) > 0) {
            if (w == pid) {
                code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
                child_alive = 0;
            }
        }
        if (w < 0 && errno == ECHILD)
            return code; /* nothing is left below */
        struct signalfd_siginfo si;
        ssize_t n = read(sfd, &si, sizeof si);
        if (n == (ssize_t)sizeof si && si.ssi_signo != SIGCHLD && child_alive)
            kill(pid, (int)si.ssi_signo);
    }
}

int main(int argc, char **argv) {
    if (argc > 2 && strcmp(argv[1], "reap") == 0)
        return reap(argv + 2);
    char *end = "";
    long preserved = argc > 1 ? strtol(argv[1], &end, 10) : 0;
    /* The channel moves above the preserved fds, which move down to 3.. as runc passes them. */
    channel = fcntl(3, F_DUPFD_CLOEXEC, 4 + (int)(preserved > 0 && preserved < 65536 ? preserved : 0));
    if (channel < 0)
        return 1; /* no channel to report on: Java sees the exit status and EOF */
    if (*end || preserved < 0 || preserved >= 65536)
        fail_plan(PLAN_INDEX, -EINVAL);
    for (long i = 0; i < preserved; i++)
        if (dup2(4 + (int)i, 3 + (int)i) < 0)
            fail_plan(PLAN_INDEX, err());
    /* Nothing else: the JVM's sockets and files are not close-on-exec (the JDK relies on its
     * own launcher closing them), and a monitor that outlives its engine must not keep the
     * engine's listening socket, or anything else of it, open. */
    if (syscall(SYS_close_range, 3u + (unsigned)preserved, (unsigned)channel - 1, 0u) < 0 ||
        syscall(SYS_close_range, (unsigned)channel + 1, ~0u, 0u) < 0)
        fail_plan(PLAN_INDEX, err());
    /* ...and the channel down to the first free number, just above the preserved fds. */
    int low = fcntl(channel, F_DUPFD_CLOEXEC, 3 + (int)preserved);
    if (low < 0 || close(channel) < 0)
        fail_plan(PLAN_INDEX, err());
    channel = low;

    uint32_t type, len;
    uint8_t *payload;
    uint32_t header[4];
    int r = read_frame(&type, &payload, &len);
    if (r <= 0 || type != MSG_HEADER || len != sizeof header)
        fail_plan(PLAN_INDEX, r < 0 ? r : -EPROTO);
    memcpy(header, payload, sizeof header);
    if (header[0] != PLAN_MAGIC || header[1] != PLAN_VERSION ||
        (header[2] != MODE_DETACH && header[2] != MODE_MONITOR && header[2] != MODE_SUPERVISE) || header[3] > 100000)
        fail_plan(PLAN_INDEX, -EPROTO);
    uint32_t mode = header[2], count = header[3], clone_index = count;
    struct op *ops = calloc(count + 1, sizeof *ops);
    if (!ops)
        fail_plan(PLAN_INDEX, -ENOMEM);
    for (uint32_t i = 0; i < count; i++) {
        r = read_frame(&type, &payload, &len);
        if (r <= 0)
            fail_plan(i, r < 0 ? r : -EPROTO);
        if ((r = decode_op(type, payload, len, &ops[i])) < 0)
            fail_plan(i, r);
        if (type == OP_CLONE && clone_index == count)
            clone_index = i;
        /* Only joining namespaces and writing their files make sense before the clone. */
        if (clone_index == count && type != OP_SET_NS && type != OP_UNSHARE && type != OP_WRITE_FILE &&
            type != OP_CLONE && type != OP_RECORD_EXIT)
            fail_plan(i, -EINVAL);
        /* ... and recording the exit only there, and only for a supervising helper. */
        if (type == OP_RECORD_EXIT && (clone_index != count || mode != MODE_SUPERVISE))
            fail_plan(i, -EINVAL);
        /* Every namespace is opened before any is joined, as runc's nsexec does: once in the
         * container's user namespace, /proc/PID/ns of a process that is not dumpable yet (one
         * waiting at SYNC_HOOKS or WAIT_START, whose hooks join it) is out of reach. */
        if (type == OP_SET_NS && (ops[i].fd = open(ops[i].s[0], O_RDONLY | O_CLOEXEC)) < 0)
            fail_plan(i, err());
        if (type == OP_WAIT_START) {
            char *dir = strdup(ops[i].s[0]), *slash = dir ? strrchr(dir, '/') : NULL;
            if (!slash || slash[1] == 0)
                fail_plan(i, -EINVAL);
            *(slash == dir ? slash + 1 : slash) = 0;
            if ((ops[i].fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
                fail_plan(i, err());
            free(dir);
        }
    }
    if (clone_index == count)
        fail_plan(count, -EINVAL); /* nothing to clone: the plan has no CLONE */
    if (mode == MODE_SUPERVISE) {
        int recorded = 0;
        for (uint32_t i = 0; i < clone_index; i++)
            recorded |= ops[i].type == OP_RECORD_EXIT;
        if (!recorded)
            fail_plan(clone_index, -EINVAL); /* a supervisor must know where the exit goes */
        /* Outlive the engine: no terminal's signals, no SIGPIPE from a channel whose reader died,
         * and every orphan of the container reparented to us rather than to the host's init. */
        signal(SIGPIPE, SIG_IGN);
        if ((getsid(0) != getpid() && setsid() < 0) || prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
            fail_plan(clone_index, err());
    }

    for (uint32_t i = 0; i < clone_index; i++)
        if ((r = run_op(&ops[i])) < 0)
            fail_plan(i, r);

    int pair[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
        fail_plan(clone_index, err());
    /* Block the forwarded signals and SIGCHLD before the clone so none is lost in between; the
     * child restores the original mask first thing. */
    sigset_t forward, original;
    sigemptyset(&forward);
    int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGCHLD};
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
        sigaddset(&forward, sigs[i]);
    if (sigprocmask(SIG_BLOCK, mode == MODE_MONITOR ? &forward : &(sigset_t){0}, &original) < 0)
        fail_plan(clone_index, err());

    struct clone_args args = {.flags = ops[clone_index].n[0], .exit_signal = SIGCHLD};
    long pid = syscall(SYS_clone3, &args, sizeof args);
    if (pid < 0)
        fail_plan(clone_index, err());
    if (pid == 0) {
        close(pair[0]);
        sync_fd = pair[1];
        child(ops, count, clone_index, &original);
    }
    close(pair[1]);
    sync_fd = pair[0];
    for (uint32_t i = 0; i < count; i++)
        if (ops[i].fd >= 0)
            close(ops[i].fd); /* the child's copy of a fifo directory is the one that waits */
    send_u32(MSG_PID, (uint32_t)pid);

    r = read_frame(&type, &payload, &len);
    if (r <= 0 || type != MSG_GO) {
        /* Java gave up (or broke the protocol) between PID and GO: leave nothing behind. */
        kill((pid_t)pid, SIGKILL);
        waitpid((pid_t)pid, NULL, 0);
        if (r != 0)
            send_error(channel, PLAN_INDEX, r < 0 ? -r : EPROTO);
        return 1;
    }
    if ((r = send_frame(sync_fd, MSG_GO, NULL, 0)) < 0)
        fail_plan(clone_index, r);

    for (;;) {
        uint32_t msg[4];
        ssize_t n = recv(sync_fd, msg, sizeof msg, 0);
        if (n < 0 && errno == EINTR)
            continue;
        /* EOF: the exec closed the child's end (or the child died: its exit status will say so).
         * A local SEQPACKET recv has no other failure once the peer is gone. */
        if (n <= 0)
            break;
        if (n >= 8 && msg[0] == MSG_READY) {
            (void)send_frame(channel, MSG_READY, NULL, 0);
            if (mode == MODE_DETACH)
                return 0;
        } else if (n == 16 && msg[0] == MSG_ERROR) {
            send_error(channel, msg[2], (int)msg[3]);
            waitpid((pid_t)pid, NULL, 0);
            return 1;
        } else if (n >= 8 && msg[0] == MSG_HOOKS) {
            relay_hooks((pid_t)pid);
        } else if (n == 12 && msg[0] == MSG_LISTENER) {
            if ((r = take_listener((pid_t)pid, (int)msg[2])) < 0) {
                send_error(channel, listener_index(ops, count), -r);
                kill((pid_t)pid, SIGKILL); /* it waits for LISTENER_TAKEN, which will not come */
                waitpid((pid_t)pid, NULL, 0);
                return 1;
            }
        }
    }
    close(sync_fd);
    (void)send_frame(channel, MSG_EXECED, NULL, 0);
    if (mode == MODE_DETACH)
        return 0;
    if (mode == MODE_SUPERVISE)
        supervise((pid_t)pid);
    monitor((pid_t)pid, &forward);
    return 255;
}
