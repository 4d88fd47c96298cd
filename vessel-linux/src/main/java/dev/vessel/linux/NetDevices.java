package dev.vessel.linux;

import static dev.vessel.linux.NativeCall.errno;
import static dev.vessel.linux.NativeCall.link;
import static dev.vessel.linux.NativeCall.rethrow;
import static dev.vessel.linux.NativeCall.state;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Network devices in another network namespace, as an engine sets them up between a
 * container's create and its start. The work runs on a thread of its own that joins the
 * namespace with setns(2) (a network namespace can be joined by one thread of a
 * multi-threaded process) and ends with it, so no other thread of the JVM changes namespace.
 */
public final class NetDevices {
    static final int CLONE_NEWNET = 0x40000000;
    static final long SIOCGIFFLAGS = 0x8913, SIOCSIFFLAGS = 0x8914;
    static final short IFF_UP = 0x1;
    /** struct ifreq: IFNAMSIZ (16) bytes of name, then a union whose first member here is short ifr_flags. */
    static final int IFREQ_SIZE = 40, IFNAMSIZ = 16;

    private static final class SetNs {
        static final MethodHandle H = link("setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    }

    private NetDevices() {}

    /** Brings interface {@code name} up (IFF_UP) in the network namespace at {@code netns} (e.g. /proc/PID/ns/net). */
    public static void up(Path netns, String name) {
        byte[] ifname = name.getBytes(StandardCharsets.US_ASCII);
        if (ifname.length == 0 || ifname.length >= IFNAMSIZ) {
            throw new IllegalArgumentException("interface name \"" + name + "\" must have 1 to 15 characters");
        }
        int ns = Fds.open(netns.toString(), Fds.O_RDONLY | Fds.O_CLOEXEC, 0);
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        try {
            Thread t = Thread.ofPlatform().name("netns-setup").start(() -> {
                try {
                    LinuxException.check(setns(ns, CLONE_NEWNET), "setns(" + netns + ", CLONE_NEWNET)");
                    setFlag(ifname, name);
                } catch (RuntimeException e) {
                    failure.set(e);
                }
            });
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while setting " + name + " up in " + netns, e);
        } finally {
            Fds.close(ns);
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    /** SIOCGIFFLAGS, then SIOCSIFFLAGS with IFF_UP added, on a datagram socket of the current thread's namespace. */
    private static void setFlag(byte[] ifname, String name) {
        int s = LinuxException.check(Sockets.socket(Fds.AF_INET, Fds.SOCK_DGRAM | Fds.SOCK_CLOEXEC, 0),
                "socket(AF_INET, SOCK_DGRAM)");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifr = arena.allocate(IFREQ_SIZE);
            MemorySegment.copy(ifname, 0, ifr, JAVA_BYTE, 0, ifname.length);
            LinuxException.check(LibC.ioctl(s, SIOCGIFFLAGS, ifr), "ioctl(SIOCGIFFLAGS, " + name + ")");
            ifr.set(JAVA_SHORT, IFNAMSIZ, (short) (ifr.get(JAVA_SHORT, IFNAMSIZ) | IFF_UP));
            LinuxException.check(LibC.ioctl(s, SIOCSIFFLAGS, ifr), "ioctl(SIOCSIFFLAGS, " + name + " up)");
        } finally {
            LibC.close(s);
        }
    }

    private static int setns(int fd, int type) {
        MemorySegment st = state();
        try {
            int r = (int) SetNs.H.invokeExact(st, fd, type);
            return r < 0 ? -errno(st) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
