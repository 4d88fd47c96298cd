package dev.vessel.vmm.devices.virtio.net;

import static dev.vessel.vmm.devices.virtio.GuestDriver.RAM_BASE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vessel.vmm.devices.virtio.GuestDriver;
import dev.vessel.vmm.devices.virtio.VirtioMmio;
import dev.vessel.vmm.memory.GuestMemory;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The test plays the guest's driver: it sends an ARP request and an ICMP echo request through
 * virtio-net's transmit queue to a peer in a network namespace made here (veth on a bridge with
 * the tap) and expects the peer's answers in the receive queue. Everything made is removed and
 * the removal is checked.
 */
@Tag("root")
class VirtioNetIT {

    static final byte[] GUEST_MAC = {0x02, 0x56, 0x53, 0x53, 0x4c, 0x01};

    @Test
    void exchangesArpAndPingWithAPeerInANetworkNamespace() throws Exception {
        Assumptions.assumeTrue(HostNet.root(), "needs root, /dev/net/tun and iproute2");
        String ns = HostNet.unique("vessel-test-");
        String bridge = HostNet.unique("vbr");
        String vethHost = HostNet.unique("vh");
        String vethPeer = HostNet.unique("vp");
        int subnet = ThreadLocalRandom.current().nextInt(1, 254);
        byte[] guestIp = {10, (byte) 213, (byte) subnet, 1};
        byte[] peerIp = {10, (byte) 213, (byte) subnet, 2};
        String tapName = null;
        try (GuestMemory memory = new GuestMemory(RAM_BASE, 4 << 20)) {
            HostNet.run("ip", "netns", "add", ns);
            HostNet.run("ip", "link", "add", bridge, "type", "bridge");
            HostNet.run("ip", "link", "add", vethHost, "type", "veth", "peer", "name", vethPeer);
            HostNet.run("ip", "link", "set", vethPeer, "netns", ns);
            HostNet.run("ip", "link", "set", vethHost, "master", bridge, "up");
            HostNet.run("ip", "link", "set", bridge, "up");
            HostNet.run("ip", "-n", ns, "addr", "add", "10.213." + subnet + ".2/24", "dev", vethPeer);
            HostNet.run("ip", "-n", ns, "link", "set", vethPeer, "up");
            HostNet.run("ip", "-n", ns, "link", "set", "lo", "up");

            try (TapDevice tap = TapDevice.create("vtap%d")) {
                tapName = tap.name();
                tap.attachTo(bridge);
                VirtioMmio mmio = new VirtioMmio(memory, new VirtioNet(tap, GUEST_MAC), level -> { });
                GuestDriver driver = new GuestDriver(memory, mmio);
                try {
                    driver.start(VirtioNet.F_MAC, 64, 2);
                    for (int i = 0; i < 16; i++) {
                        postRxBuffer(driver);
                    }
                    driver.notify(VirtioNet.RX);

                    send(driver, Frames.arpRequest(GUEST_MAC, guestIp, peerIp));
                    byte[] arp = receive(driver, mmio, f -> Frames.isArpReplyFrom(f, peerIp, GUEST_MAC));
                    byte[] peerMac = Arrays.copyOfRange(arp, 6, 12);

                    byte[] payload = "vessel virtio-net".getBytes();
                    send(driver, Frames.icmpEcho(GUEST_MAC, peerMac, guestIp, peerIp, 0x5653, 1, payload));
                    byte[] reply = receive(driver, mmio, f -> Frames.isEchoReply(f, peerIp, guestIp, 0x5653));
                    assertArrayEquals(payload, Arrays.copyOfRange(reply, 14 + 20 + 8, 14 + 20 + 8 + payload.length));
                    assertFalse(driver.needsReset(), mmio.failure());
                } finally {
                    mmio.shutdown();
                }
            }
        } finally {
            HostNet.quietly("ip", "netns", "del", ns);
            HostNet.quietly("ip", "link", "del", bridge);
            HostNet.quietly("ip", "link", "del", vethHost);
        }
        assertFalse(HostNet.netns().contains(ns), "netns " + ns + " removed");
        for (String link : new String[] {bridge, vethHost, tapName}) {
            assertFalse(link != null && HostNet.linkExists(link), "interface " + link + " removed");
        }
    }

    private static void postRxBuffer(GuestDriver driver) {
        driver.post(VirtioNet.RX, new long[][] {{driver.alloc(1526), 1526, 1}});
    }

    private static void send(GuestDriver driver, byte[] frame) {
        byte[] withHeader = new byte[VirtioNet.HDR + frame.length];
        System.arraycopy(frame, 0, withHeader, VirtioNet.HDR, frame.length);
        driver.post(VirtioNet.TX, new long[][] {{driver.put(withHeader), withHeader.length, 0}});
        driver.notify(VirtioNet.TX);
    }

    /** Waits for a received frame matching {@code wanted}, skipping others (IPv6 chatter). */
    private static byte[] receive(GuestDriver driver, VirtioMmio mmio, Predicate<byte[]> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            long[] used = driver.takeUsed(VirtioNet.RX);
            if (used == null) {
                Thread.sleep(5);
                continue;
            }
            assertTrue(used[1] >= VirtioNet.HDR, "used length " + used[1]);
            long addr = descriptorAddress(driver, (int) used[0]);
            byte[] frame = driver.get(addr + VirtioNet.HDR, (int) used[1] - VirtioNet.HDR);
            assertEquals(1, driver.get(addr + 10, 1)[0], "num_buffers");
            postRxBuffer(driver);
            driver.notify(VirtioNet.RX);
            if (wanted.test(frame)) {
                return frame;
            }
        }
        throw new AssertionError("no matching frame within 10 s; device failure: " + mmio.failure());
    }

    private static long descriptorAddress(GuestDriver driver, int head) {
        return ByteBuffer.wrap(driver.get(driver.desc[VirtioNet.RX] + 16L * head, 8)).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    }
}
