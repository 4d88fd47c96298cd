package dev.vessel.vmm.devices.virtio.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("root")
class TapDeviceIT {

    String bridge;

    @BeforeEach
    void needRoot() {
        Assumptions.assumeTrue(HostNet.root(), "needs root, /dev/net/tun and iproute2");
    }

    @AfterEach
    void cleanup() {
        if (bridge != null) {
            HostNet.quietly("ip", "link", "del", bridge);
            assertFalse(HostNet.linkExists(bridge), "bridge " + bridge + " left behind");
        }
    }

    @Test
    void createsAttachesAndDeletesATap() throws Exception {
        bridge = HostNet.unique("vbr");
        HostNet.run("ip", "link", "add", bridge, "type", "bridge");
        String name;
        try (TapDevice tap = TapDevice.create("vtap%d")) {
            name = tap.name();
            assertTrue(name.startsWith("vtap"), name);
            assertTrue(HostNet.linkExists(name));
            int tunFlags = Integer.decode(Files.readString(Path.of("/sys/class/net", name, "tun_flags")).trim());
            assertEquals(TapDevice.IFF_TAP | TapDevice.IFF_NO_PI, tunFlags, "a tap without packet info");
            int flags = Integer.decode(Files.readString(Path.of("/sys/class/net", name, "flags")).trim());
            assertTrue((flags & 1) != 0, "interface is up");
            tap.attachTo(bridge);
            assertEquals(bridge, Files.readSymbolicLink(Path.of("/sys/class/net", name, "master")).getFileName().toString());
            assertTrue(Files.exists(Path.of("/sys/class/net", bridge, "brif", name)));
        }
        assertFalse(HostNet.linkExists(name), "tap " + name + " deleted when closed");
        assertFalse(Files.exists(Path.of("/sys/class/net", bridge, "brif", name)), "bridge port gone");
    }

    @Test
    void nameInUseByAnotherTapIsOneClearError() throws Exception {
        try (TapDevice first = TapDevice.create(HostNet.unique("vt"))) {
            IOException e = assertThrows(IOException.class, () -> TapDevice.create(first.name()));
            assertTrue(e.getMessage().contains(first.name()) && e.getMessage().contains("EBUSY"), e.getMessage());
        }
    }

    @Test
    void missingBridgeIsOneClearErrorAndTheTapCanBeClosed() throws Exception {
        String missing = HostNet.unique("nobr");
        String name;
        try (TapDevice tap = TapDevice.create("vtap%d")) {
            name = tap.name();
            IOException e = assertThrows(IOException.class, () -> tap.attachTo(missing));
            assertTrue(e.getMessage().contains(missing) && e.getMessage().contains("does not exist"), e.getMessage());
        }
        assertFalse(HostNet.linkExists(name));
    }

    @Test
    void tooLongNameIsRefusedBeforeTouchingTheKernel() {
        IOException e = assertThrows(IOException.class, () -> TapDevice.create("a-very-long-tap-name"));
        assertTrue(e.getMessage().contains("1 to 15 characters"), e.getMessage());
    }

    @Test
    void aClosedTapNeitherSpinsNorTouchesItsOldDescriptor() throws Exception {
        TapDevice tap = TapDevice.create("vtap%d");
        tap.close();
        tap.close(); // idempotent
        long start = System.nanoTime();
        assertFalse(tap.awaitReadable(50));
        assertTrue(System.nanoTime() - start >= 40_000_000L, "waited instead of returning at once");
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            java.lang.foreign.MemorySegment buf = arena.allocate(64);
            assertEquals(-dev.vessel.linux.Errno.EBADF.number(), tap.read(buf));
            assertEquals(-dev.vessel.linux.Errno.EBADF.number(), tap.write(buf, 64));
        }
    }
}
