package dev.vessel.vmm.devices.virtio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vessel.vmm.devices.virtio.blk.DiskImage;
import dev.vessel.vmm.devices.virtio.blk.VirtioBlk;
import dev.vessel.vmm.devices.virtio.net.TapDevice;
import dev.vessel.vmm.devices.virtio.net.VirtioNet;
import dev.vessel.vmm.guest.GuestAssets;
import dev.vessel.vmm.guest.GuestConsole;
import dev.vessel.vmm.machine.ExitStatus;
import dev.vessel.vmm.machine.Machine;
import dev.vessel.vmm.machine.MachineBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Linux's own virtio drivers against these device models on Vessel's software machine: the
 * guest writes disks whose images the test reads afterwards, and talks TCP to a peer in a
 * network namespace through virtio-net, a tap and a bridge. Needs the cached guest (see GuestBootIT).
 *
 * <p>The guest commands avoid programs that read the clock (mkfs, ping, dd): the software CPU
 * does not yet let user mode read the {@code time} CSR (Linux's vDSO does; OpenSBI enables it
 * with scounteren = 7 before the kernel starts, the Java SBI does not), so they die with SIGILL.
 */
@Tag("vm")
class GuestDevicesIT {

    /** Boots {@code command}; returns what the command printed. Devices made by {@code setup} are shut down after. */
    static String boot(List<String> command, Consumer<MachineBuilder> setup, List<VirtioMmio> transports) throws Exception {
        GuestAssets assets = GuestAssets.standard();
        Assumptions.assumeTrue(Files.isRegularFile(assets.kernelPath()) && Files.isRegularFile(assets.busyboxPath()),
                "guest kernel/busybox not cached (GuestAssets builds them: about 12 min)");
        ByteArrayOutputStream shown = new ByteArrayOutputStream();
        GuestConsole console = new GuestConsole(shown, false);
        MachineBuilder b = Machine.builder()
                .kernel(Files.readAllBytes(assets.kernel())).initrd(Files.readAllBytes(assets.initramfs(command)))
                .memory(256L << 20).cpus(1).bootargs("console=ttyS0 quiet panic=-1").console(console, null);
        setup.accept(b);
        try (Machine m = b.build()) {
            ExitStatus status;
            try {
                status = m.run(Duration.ofSeconds(300));
            } finally {
                transports.forEach(VirtioMmio::shutdown); // stop device threads before guest RAM goes
            }
            String out = shown.toString(StandardCharsets.UTF_8);
            assertEquals(ExitStatus.powerOff(0), status, out);
            for (VirtioMmio t : transports) {
                assertEquals(null, t.failure(), "device failed");
            }
            assertEquals(0, console.exitStatus().orElse(-1), "guest command failed:\n" + out);
            return out;
        }
    }

    @Test
    void guestWritesReachTheImageFilesAndReadOnlyDisksStayUntouched(@TempDir Path dir) throws Exception {
        Path fsImage = Files.write(dir.resolve("fs.img"), new byte[8 << 20]);
        Path rawImage = Files.write(dir.resolve("raw.img"), new byte[1 << 20]);
        byte[] roContent = new byte[1 << 20];
        java.util.Arrays.fill(roContent, (byte) 0x5A);
        Path roImage = Files.write(dir.resolve("ro.img"), roContent);
        List<VirtioMmio> transports = new ArrayList<>();
        try (DiskImage fs = DiskImage.open(fsImage, false); DiskImage raw = DiskImage.open(rawImage, false);
             DiskImage ro = DiskImage.open(roImage, true)) {
            String out = boot(List.of("sh", "-c",
                    "printf VESSEL-FILE-DATA > /dev/vda && sync && echo 3 > /proc/sys/vm/drop_caches"
                            + " && head -c 16 /dev/vda && echo"
                            + " && printf VESSEL-RAW-WRITE > /dev/vdb && sync"
                            + " && cat /sys/block/vda/serial && echo && cat /sys/block/vdc/ro"
                            + " && if printf x > /dev/vdc && sync; then echo RO-WRITE-OK; fi; true"),
                    b -> {
                        b.virtio((memory, irq) -> add(transports, new VirtioMmio(memory, new VirtioBlk(fs, "vessel-it"), irq)));
                        b.virtio((memory, irq) -> add(transports, new VirtioMmio(memory, new VirtioBlk(raw, "raw"), irq)));
                        b.virtio((memory, irq) -> add(transports, new VirtioMmio(memory, new VirtioBlk(ro, "ro"), irq)));
                    },
                    transports);
            assertTrue(out.contains("VESSEL-FILE-DATA"), out);
            assertTrue(out.contains("vessel-it"), "serial through GET_ID: " + out);
            assertTrue(out.contains("\n1\r\n") || out.contains("\n1\n"), "vdc is read-only in the guest: " + out);
            assertFalse(out.contains("RO-WRITE-OK"), out);
        }
        assertEquals("VESSEL-FILE-DATA", new String(Files.readAllBytes(fsImage), 0, 16, StandardCharsets.US_ASCII));
        assertEquals("VESSEL-RAW-WRITE", new String(Files.readAllBytes(rawImage), 0, 16, StandardCharsets.US_ASCII));
        assertTrue(java.util.Arrays.equals(roContent, Files.readAllBytes(roImage)), "read-only image unchanged");
    }

    @Test
    void guestSendsToAPeerInANetworkNamespace() throws Exception {
        Assumptions.assumeTrue(isRoot() && Files.exists(Path.of("/dev/net/tun")), "needs root and /dev/net/tun");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/busybox")), "the peer uses the host's busybox nc (apt-get install busybox-static)");
        String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xFFFFF));
        String ns = "vessel-it-" + suffix, bridge = "vbr" + suffix, vh = "vh" + suffix, vp = "vp" + suffix;
        int subnet = ThreadLocalRandom.current().nextInt(1, 254);
        String tapName = null;
        try {
            run("ip", "netns", "add", ns);
            run("ip", "link", "add", bridge, "type", "bridge");
            run("ip", "link", "add", vh, "type", "veth", "peer", "name", vp);
            run("ip", "link", "set", vp, "netns", ns);
            run("ip", "link", "set", vh, "master", bridge, "up");
            run("ip", "link", "set", bridge, "up");
            run("ip", "-n", ns, "addr", "add", "10.214." + subnet + ".2/24", "dev", vp);
            run("ip", "-n", ns, "link", "set", vp, "up");
            List<VirtioMmio> transports = new ArrayList<>();
            // The peer listens on TCP in its namespace and replies; busybox's nc is on the host.
            Process peer = new ProcessBuilder("ip", "netns", "exec", ns, "busybox", "sh", "-c",
                    "echo VESSEL-PEER-REPLY | busybox nc -l -p 7777").redirectErrorStream(true).start();
            try (TapDevice tap = TapDevice.create("vtap%d")) {
                tapName = tap.name();
                tap.attachTo(bridge);
                String out = boot(List.of("sh", "-c", "ip addr add 10.214." + subnet + ".1/24 dev eth0 && ip link set eth0 up"
                                + " && echo VESSEL-GUEST-SENT | nc 10.214." + subnet + ".2 7777"),
                        b -> b.virtio((memory, irq) -> add(transports,
                                new VirtioMmio(memory, new VirtioNet(tap, VirtioNet.randomMac()), irq))),
                        transports);
                assertTrue(out.contains("VESSEL-PEER-REPLY"), "reply from the peer: " + out);
                assertTrue(peer.waitFor(10, java.util.concurrent.TimeUnit.SECONDS), "peer finished");
                assertTrue(new String(peer.getInputStream().readAllBytes()).contains("VESSEL-GUEST-SENT"), "peer got the data");
            } finally {
                peer.destroyForcibly();
            }
        } finally {
            quietly("ip", "netns", "del", ns);
            quietly("ip", "link", "del", bridge);
            quietly("ip", "link", "del", vh);
        }
        assertFalse(Files.exists(Path.of("/run/netns", ns)), "netns removed");
        for (String link : new String[] {bridge, vh, tapName}) {
            assertFalse(link != null && Files.exists(Path.of("/sys/class/net", link)), link + " removed");
        }
    }

    private static VirtioMmio add(List<VirtioMmio> list, VirtioMmio t) {
        list.add(t);
        return t;
    }

    private static boolean isRoot() {
        try {
            return new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).trim().equals("0");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
    }

    private static void quietly(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor();
        } catch (IOException | InterruptedException e) {
            // cleanup of what may not exist
        }
    }
}
