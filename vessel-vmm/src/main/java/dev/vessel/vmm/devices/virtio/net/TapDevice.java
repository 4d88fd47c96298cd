package dev.vessel.vmm.devices.virtio.net;

import dev.vessel.linux.Errno;
import dev.vessel.linux.LibC;
import dev.vessel.linux.Sockets;
import dev.vessel.linux.Fds;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * A tap interface: Ethernet frames written to its descriptor appear on the host interface and
 * frames sent to the interface can be read back. The interface is not persistent, so closing
 * the descriptor (or the process dying) deletes it, and with it its bridge membership: no
 * leftover interface is possible.
 *
 * <p>Opened without IFF_VNET_HDR and with no offloads, so the kernel hands over plain, fully
 * checksummed frames; {@link VirtioNet} adds and strips the virtio header itself.
 */
public final class TapDevice implements NetBackend, AutoCloseable {

    static final int IFNAMSIZ = 16;
    /** struct ifreq: char ifr_name[16] and a 24-byte union (flags, ifindex, ...). */
    static final long IFREQ_SIZE = 40;
    static final int IFF_UP = 0x1, IFF_TAP = 0x0002, IFF_NO_PI = 0x1000;
    static final int O_RDWR = 02, O_NONBLOCK = 04000, O_CLOEXEC = 02000000;

    static final long TUNSETIFF = ioc(1, 'T', 202, 4); // _IOW('T', 202, int)
    static final long SIOCGIFFLAGS = 0x8913, SIOCSIFFLAGS = 0x8914, SIOCGIFINDEX = 0x8933;
    static final long SIOCBRADDIF = 0x89a2, SIOCBRDELIF = 0x89a3;

    private final int fd;
    private final String name;
    /** struct pollfd for the receive thread, the only caller of awaitReadable. */
    private final MemorySegment pollfd = Arena.ofAuto().allocate(8, 4);
    private volatile boolean closed;

    private TapDevice(int fd, String name) {
        this.fd = fd;
        this.name = name;
    }

    /** _IOC(dir, type, nr, size) from asm-generic/ioctl.h; dir 1 is _IOC_WRITE. */
    static long ioc(int dir, char type, int nr, int size) {
        return ((long) dir << 30) | ((long) size << 16) | ((long) type << 8) | nr;
    }

    /**
     * Creates a tap named {@code template} ("vessel%d" lets the kernel pick a free number) and
     * brings it up. Fails with one line naming the interface when the name is taken.
     */
    public static TapDevice create(String template) throws IOException {
        if (template.isEmpty() || template.getBytes(StandardCharsets.US_ASCII).length >= IFNAMSIZ) {
            throw new IOException("tap name \"" + template + "\" must be 1 to 15 characters");
        }
        int fd = LibC.open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC, 0);
        if (fd < 0) {
            throw new IOException("cannot open /dev/net/tun: " + Errno.describe(-fd)
                    + (fd == -Errno.ENOENT.number() ? " (load the tun module: modprobe tun)" : ""));
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifr = ifreq(arena, template);
            ifr.set(ValueLayout.JAVA_SHORT, IFNAMSIZ, (short) (IFF_TAP | IFF_NO_PI));
            int r = LibC.ioctl(fd, TUNSETIFF, ifr);
            if (r < 0) {
                LibC.close(fd);
                String hint = r == -Errno.EBUSY.number() ? ": it is in use by another process or VM"
                        : r == -Errno.EINVAL.number() ? ": a non-tap interface has that name"
                        : r == -Errno.EPERM.number() ? ": creating taps needs CAP_NET_ADMIN" : "";
                throw new IOException("tap \"" + template + "\": TUNSETIFF: " + Errno.describe(-r) + hint);
            }
            TapDevice tap = new TapDevice(fd, ifr.getString(0, StandardCharsets.US_ASCII));
            try {
                tap.setUp();
            } catch (IOException e) {
                tap.close();
                throw e;
            }
            return tap;
        }
    }

    private static MemorySegment ifreq(Arena arena, String name) {
        MemorySegment ifr = arena.allocate(IFREQ_SIZE);
        byte[] b = name.getBytes(StandardCharsets.US_ASCII);
        MemorySegment.copy(b, 0, ifr, ValueLayout.JAVA_BYTE, 0, Math.min(b.length, IFNAMSIZ - 1));
        return ifr;
    }

    @Override
    public String name() {
        return name;
    }

    int fd() {
        return fd;
    }

    private void setUp() throws IOException {
        withSocket((sock, arena) -> {
            MemorySegment ifr = ifreq(arena, name);
            check(LibC.ioctl(sock, SIOCGIFFLAGS, ifr), "SIOCGIFFLAGS", name);
            ifr.set(ValueLayout.JAVA_SHORT, IFNAMSIZ, (short) (ifr.get(ValueLayout.JAVA_SHORT, IFNAMSIZ) | IFF_UP));
            check(LibC.ioctl(sock, SIOCSIFFLAGS, ifr), "SIOCSIFFLAGS (set up)", name);
        });
    }

    /** Makes the tap a port of {@code bridge} (an existing Linux bridge). */
    public void attachTo(String bridge) throws IOException {
        withSocket((sock, arena) -> {
            MemorySegment ifr = ifreq(arena, name);
            check(LibC.ioctl(sock, SIOCGIFINDEX, ifr), "SIOCGIFINDEX", name);
            int index = ifr.get(ValueLayout.JAVA_INT, IFNAMSIZ);
            MemorySegment br = ifreq(arena, bridge);
            br.set(ValueLayout.JAVA_INT, IFNAMSIZ, index);
            int r = LibC.ioctl(sock, SIOCBRADDIF, br);
            if (r == -Errno.ENODEV.number()) {
                throw new IOException("bridge \"" + bridge + "\" does not exist (create it with: ip link add "
                        + bridge + " type bridge)");
            }
            if (r == -Errno.EOPNOTSUPP.number()) {
                throw new IOException("interface \"" + bridge + "\" is not a bridge: " + Errno.describe(-r));
            }
            check(r, "SIOCBRADDIF " + name + " to", bridge);
        });
    }

    private interface SocketAction {
        void run(int sock, Arena arena) throws IOException;
    }

    private static void withSocket(SocketAction action) throws IOException {
        int sock = Sockets.socket(Fds.AF_INET, Fds.SOCK_DGRAM | Fds.SOCK_CLOEXEC, 0);
        if (sock < 0) {
            throw new IOException("socket(AF_INET): " + Errno.describe(-sock));
        }
        try (Arena arena = Arena.ofConfined()) {
            action.run(sock, arena);
        } finally {
            LibC.close(sock);
        }
    }

    private static void check(int r, String call, String ifname) throws IOException {
        if (r < 0) {
            throw new IOException("interface \"" + ifname + "\": " + call + ": " + Errno.describe(-r));
        }
    }

    /** Reads one frame; returns its length, 0 when none is waiting, or -errno. */
    @Override
    public long read(MemorySegment buf) {
        if (closed) {
            return -Errno.EBADF.number(); // never touch a descriptor number the process may have reused
        }
        long r = LibC.read(fd, buf, buf.byteSize());
        return r == -Errno.EAGAIN.number() ? 0 : r;
    }

    /** Writes one frame; returns the length written or -errno (EAGAIN: the tap's queue is full). */
    @Override
    public long write(MemorySegment frame, long length) {
        if (closed) {
            return -Errno.EBADF.number();
        }
        return LibC.write(fd, frame, length);
    }

    @Override
    public boolean awaitReadable(int millis) {
        if (!closed) {
            pollfd.set(ValueLayout.JAVA_INT, 0, fd);
            pollfd.set(ValueLayout.JAVA_SHORT, 4, (short) 1); // POLLIN
            pollfd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
            int r = LibC.poll(pollfd, 1, millis);
            short revents = pollfd.get(ValueLayout.JAVA_SHORT, 6);
            if (r > 0 && (revents & 1) != 0) {
                return true;
            }
            if (r == 0 || r == -Errno.EINTR.number()) {
                return false;
            }
        }
        // Closed, or POLLERR/POLLHUP/POLLNVAL: poll would return at once; wait out the period
        // so a receive loop that outlives its tap does not spin.
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /** Deletes the interface (it is not persistent) and its bridge port. Idempotent. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            LibC.close(fd);
        }
    }
}
