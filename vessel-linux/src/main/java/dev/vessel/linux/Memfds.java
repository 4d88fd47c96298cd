package dev.vessel.linux;

/** Anonymous memory files (memfd_create), e.g. an immutable copy of a program to execute. */
public final class Memfds {

    static final int MFD_CLOEXEC = 1, MFD_ALLOW_SEALING = 2, MFD_EXEC = 0x10;
    static final int F_ADD_SEALS = 1033, F_GET_SEALS = 1034;
    public static final int F_SEAL_SEAL = 1, F_SEAL_SHRINK = 2, F_SEAL_GROW = 4, F_SEAL_WRITE = 8;
    public static final int F_SEAL_FUTURE_WRITE = 0x10;

    private Memfds() {}

    /**
     * A close-on-exec memfd holding {@code content}, sealed against any change (write, grow,
     * shrink, further seals) and executable: whoever gets hold of it, e.g. through
     * /proc/PID/exe, cannot alter it.
     */
    public static int sealedExecutable(String name, byte[] content) {
        // MFD_EXEC (Linux 6.3+) keeps it executable where vm.memfd_noexec=1 would not; older
        // kernels reject the flag with EINVAL and make every memfd executable anyway.
        int fd = LibC.memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
        if (fd == -Errno.EINVAL.number()) {
            fd = LibC.memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
        }
        LinuxException.check(fd, "memfd_create(\"" + name + "\", MFD_CLOEXEC|MFD_ALLOW_SEALING)");
        try {
            Fds.writeFully(fd, content);
            sealAgainstChange(fd);
            return fd;
        } catch (RuntimeException e) {
            LibC.close(fd); // the write or seal failure is what the caller needs to see
            throw e;
        }
    }

    /**
     * Seals {@code fd} against writes, size changes and further seals, for a memfd that nobody
     * has mapped. F_SEAL_WRITE can fail with EBUSY without any writer: the kernel counts every
     * extra page reference as a possible pin, and pages just written may still sit in another
     * CPU's LRU batch, which the kernel's own drain does not reach (seen under load with the
     * writing JVM thread moved between CPUs). F_SEAL_FUTURE_WRITE forbids every later write()
     * and writable mapping without that check, so where no writable mapping exists it leaves
     * the file exactly as immutable; it is the fallback, and F_SEAL_WRITE is tried again on top.
     * Returns the seals in force.
     */
    static int sealAgainstChange(int fd) {
        int full = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;
        int r = LibC.fcntl(fd, F_ADD_SEALS, full);
        if (r == -Errno.EBUSY.number()) {
            int future = F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_FUTURE_WRITE;
            LinuxException.check(LibC.fcntl(fd, F_ADD_SEALS, future), "fcntl(" + fd + ", F_ADD_SEALS, " + future + ")");
            LibC.fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE); // best effort: EBUSY again changes nothing
            r = LibC.fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL);
        }
        LinuxException.check(r, "fcntl(" + fd + ", F_ADD_SEALS, " + full + ")");
        return seals(fd);
    }

    public static int seals(int fd) {
        return LinuxException.check(LibC.fcntl(fd, F_GET_SEALS, 0), "fcntl(" + fd + ", F_GET_SEALS)");
    }
}
