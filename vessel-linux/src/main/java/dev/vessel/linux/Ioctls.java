package dev.vessel.linux;

/**
 * ioctl request numbers from the kernel's {@code _IOC(dir, type, nr, size)} encoding
 * (asm-generic/ioctl.h, used by x86_64 and arm64), so each number is written once with the
 * size of the layout it transfers. Old tty requests (TIOCGWINSZ, TIOCSCTTY) predate the encoding
 * and are plain constants where they are used.
 */
public final class Ioctls {

    static final int NONE = 0, WRITE = 1, READ = 2;

    private Ioctls() {}

    public static long ioc(int dir, char type, int nr, long size) {
        return ((long) dir << 30) | (size << 16) | ((long) type << 8) | nr;
    }

    /** _IO(type, nr): no argument data. */
    public static long io(char type, int nr) {
        return ioc(NONE, type, nr, 0);
    }

    /** _IOR(type, nr, size): the kernel writes {@code size} bytes to the argument. */
    public static long ior(char type, int nr, long size) {
        return ioc(READ, type, nr, size);
    }

    /** _IOW(type, nr, size): the kernel reads {@code size} bytes from the argument. */
    public static long iow(char type, int nr, long size) {
        return ioc(WRITE, type, nr, size);
    }
}
