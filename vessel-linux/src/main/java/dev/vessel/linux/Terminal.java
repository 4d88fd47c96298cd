package dev.vessel.linux;

import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Terminal window size (TIOCGWINSZ / TIOCSWINSZ), used for a container's console. */
public final class Terminal {

    /** asm-generic/ioctls.h: these two predate _IOC numbering, so they are plain constants. */
    static final long TIOCGWINSZ = 0x5413, TIOCSWINSZ = 0x5414;

    private Terminal() {}

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
