package dev.vessel.linux;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Terminal window size (TIOCGWINSZ / TIOCSWINSZ), used for a container's console. */
public final class Terminal {

    /** asm-generic/ioctls.h: these two predate _IOC numbering, so they are plain constants. */
    static final long TIOCGWINSZ = 0x5413, TIOCSWINSZ = 0x5414;

    static final long TIOCGPTN = Ioctls.ior('T', 0x30, 4), TIOCSPTLCK = Ioctls.iow('T', 0x31, 4),
            TIOCGPTPEER = Ioctls.io('T', 0x41);

    private Terminal() {}

    /** A pseudo-terminal: the master we keep, the peer (slave) a process gets, and its number. */
    public record Pty(int master, int peer, int number) {
        /** The peer's path in the devpts instance the master came from, e.g. /dev/pts/3. */
        public String name() {
            return "/dev/pts/" + number;
        }
    }

    /**
     * Opens a pty from {@code ptmx} (e.g. /dev/ptmx or a devpts instance's ptmx); the peer is
     * opened through the master (TIOCGPTPEER), so no path lookup can hand us another devpts's pty.
     */
    public static Pty openPty(String ptmx) {
        int master = Fds.open(ptmx, Fds.O_RDWR | Fds.O_NOCTTY | Fds.O_CLOEXEC, 0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_INT);
            value.set(JAVA_INT, 0, 0);
            LinuxException.check(LibC.ioctl(master, TIOCSPTLCK, value), "ioctl(" + master + ", TIOCSPTLCK, 0)");
            LinuxException.check(LibC.ioctl(master, TIOCGPTN, value), "ioctl(" + master + ", TIOCGPTN)");
            int number = value.get(JAVA_INT, 0);
            int peer = LinuxException.check(LibC.ioctl(master, TIOCGPTPEER, Fds.O_RDWR | Fds.O_NOCTTY | Fds.O_CLOEXEC),
                    "ioctl(" + master + ", TIOCGPTPEER, O_RDWR|O_NOCTTY|O_CLOEXEC)");
            return new Pty(master, peer, number);
        } catch (RuntimeException e) {
            LibC.close(master); // the ioctl failure is what the caller needs to see
            throw e;
        }
    }

    public record WindowSize(int rows, int columns) {}

    public static WindowSize windowSize(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ws = arena.allocate(Structs.WINSIZE);
            LinuxException.check(LibC.ioctl(fd, TIOCGWINSZ, ws), "ioctl(" + fd + ", TIOCGWINSZ)");
            return new WindowSize(Short.toUnsignedInt(ws.get(JAVA_SHORT, 0)), Short.toUnsignedInt(ws.get(JAVA_SHORT, 2)));
        }
    }

    public static void setWindowSize(int fd, WindowSize size) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ws = arena.allocate(Structs.WINSIZE);
            ws.set(JAVA_SHORT, 0, (short) size.rows());
            ws.set(JAVA_SHORT, 2, (short) size.columns());
            LinuxException.check(LibC.ioctl(fd, TIOCSWINSZ, ws),
                    "ioctl(" + fd + ", TIOCSWINSZ, " + size.rows() + "x" + size.columns() + ")");
        }
    }
}
