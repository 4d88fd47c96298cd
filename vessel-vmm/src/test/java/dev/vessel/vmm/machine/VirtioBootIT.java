package dev.vessel.vmm.machine;

import dev.vessel.vmm.devices.virtio.VirtioMmio;
import dev.vessel.vmm.devices.virtio.blk.DiskImage;
import dev.vessel.vmm.devices.virtio.blk.VirtioBlk;
import dev.vessel.vmm.devices.virtio.rng.VirtioRng;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Linux finds virtio-mmio devices through the platform's device tree and gets their
 * interrupts through the PLIC: it reads a disk image and the entropy device.
 */
@Tag("vm")
class VirtioBootIT {

    @Test
    void guestReadsDiskAndRngThroughPlatform(@TempDir Path dir) throws Exception {
        Path disk = dir.resolve("disk.img");
        byte[] content = new byte[1 << 20];
        byte[] marker = "VESSEL-DISK-MARKER".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(marker, 0, content, 0, marker.length);
        Files.write(disk, content);
        String out = LinuxBootIT.boot(1, List.of("sh", "-c",
                "head -c 18 /dev/vda; echo; head -c 64 /dev/hwrng | wc -c; cat /sys/block/vda/size"), b -> {
            b.virtio((memory, irq) -> new VirtioMmio(memory, new VirtioRng(), irq));
            b.virtio((memory, irq) -> {
                try {
                    return new VirtioMmio(memory, new VirtioBlk(DiskImage.open(disk, true), "test"), irq);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        });
        assertTrue(out.contains("VESSEL-DISK-MARKER"), "disk content not read:\n" + LinuxBootIT.tail(out));
        assertTrue(out.contains("\n64\r\n") || out.contains("\n64\n"), "rng did not deliver 64 bytes:\n" + LinuxBootIT.tail(out));
        assertTrue(out.contains("\n2048\r\n") || out.contains("\n2048\n"), "disk size (sectors) missing:\n" + LinuxBootIT.tail(out));
    }
}
