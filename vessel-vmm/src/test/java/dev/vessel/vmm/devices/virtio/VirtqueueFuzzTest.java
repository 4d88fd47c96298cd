package dev.vessel.vmm.devices.virtio;

import static dev.vessel.vmm.devices.virtio.GuestDriver.RAM_BASE;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vessel.vmm.memory.GuestMemory;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Drives random and mutated descriptor tables and available rings through a queue. The device
 * may only ever answer with used buffers or NEEDS_RESET: any exception reaching the transport
 * shows up as an "internal error" failure, and a hang trips the timeout.
 */
class VirtqueueFuzzTest {

    static final int N = 16;
    static final long RAM = 1 << 20;
    /** Thousands of expected failures would flood the log; held strongly so the level sticks. */
    static final java.util.logging.Logger QUIET = java.util.logging.Logger.getLogger(VirtioMmio.class.getName());

    @Test
    void randomRingsEndInUsedBuffersOrNeedsReset() {
        fuzz(new EchoDevice());
    }

    @Test
    void randomRingsAgainstVirtioBlk(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = java.nio.file.Files.write(dir.resolve("disk.img"), new byte[1 << 20]);
        try (var image = dev.vessel.vmm.devices.virtio.blk.DiskImage.open(file, false)) {
            fuzz(new dev.vessel.vmm.devices.virtio.blk.VirtioBlk(image, "fuzz"));
        }
    }

    @Test
    void randomRingsAgainstVirtioRng() {
        fuzz(new dev.vessel.vmm.devices.virtio.rng.VirtioRng());
    }

    static void fuzz(VirtioDevice device) {
        long seed = Long.getLong("vessel.fuzz.seed", System.nanoTime());
        long millis = Long.getLong("vessel.fuzz.millis", 1500);
        assertTimeoutPreemptively(Duration.ofMillis(millis + 20_000), () -> run(device, seed, millis), "seed " + seed);
    }

    private static void run(VirtioDevice device, long seed, long millis) {
        QUIET.setLevel(java.util.logging.Level.OFF);
        SplittableRandom rnd = new SplittableRandom(seed);
        try (GuestMemory memory = new GuestMemory(RAM_BASE, RAM)) {
            VirtioMmio mmio = new VirtioMmio(memory, device, level -> { });
            GuestDriver driver = new GuestDriver(memory, mmio);
            long deadline = System.nanoTime() + millis * 1_000_000;
            int iterations = 0, failures = 0, served = 0;
            while (System.nanoTime() < deadline || iterations < 2000) {
                driver.reg(VirtioMmio.STATUS, 0);
                driver.start(rnd.nextBoolean() ? VirtioFeatures.RING_INDIRECT_DESC : 0, N, 1);
                if (driver.needsReset()) {
                    throw new AssertionError("setup failed: " + mmio.failure());
                }
                scribble(rnd, memory, driver);
                for (int k = 0; k < 4 && !driver.needsReset(); k++) {
                    driver.notify(0);
                    if (rnd.nextInt(3) == 0) {
                        mutate(rnd, memory, driver);
                    }
                }
                String failure = mmio.failure();
                if (failure != null) {
                    failures++;
                    assertFalse(failure.startsWith("internal error"), "seed " + seed + ": " + failure);
                    assertTrue(driver.needsReset());
                }
                served += driver.usedIdx(0); // chains the device completed before the next reset
                iterations++;
            }
            System.out.printf("virtqueue fuzz (device type %d): seed %d, %d iterations, %d ended in NEEDS_RESET, %d chains served%n",
                    device.deviceType(), seed, iterations, failures, served);
            QUIET.setLevel(null);
            assertTrue(failures > 0 && served > 0, "the generator should hit both outcomes");
        }
    }

    /** Plausible-looking values: mostly inside RAM and the table, sometimes just outside. */
    private static long address(SplittableRandom rnd, GuestMemory memory) {
        return switch (rnd.nextInt(12)) {
            case 0 -> rnd.nextLong();
            case 1 -> RAM_BASE + RAM - rnd.nextInt(64);
            case 2 -> RAM_BASE - rnd.nextInt(64);
            default -> RAM_BASE + 0x20000 + rnd.nextInt((int) RAM - 0x40000);
        };
    }

    private static int length(SplittableRandom rnd) {
        return switch (rnd.nextInt(6)) {
            case 0 -> rnd.nextInt();
            case 1 -> 16 * rnd.nextInt(1, 8);
            default -> rnd.nextInt(0, 4096);
        };
    }

    private static int index(SplittableRandom rnd) {
        return rnd.nextInt(16) == 0 ? rnd.nextInt(0x10000) : rnd.nextInt(N);
    }

    private static void scribble(SplittableRandom rnd, GuestMemory memory, GuestDriver driver) {
        for (int i = 0; i < N; i++) {
            writeRandomDesc(rnd, memory, driver, driver.desc[0], i);
        }
        // Indirect tables somewhere in RAM, pointed to by some descriptors above.
        for (int t = 0; t < 4; t++) {
            long table = RAM_BASE + 0x20000 + 0x1000L * t;
            for (int i = 0; i < 8; i++) {
                writeRandomDesc(rnd, memory, driver, table, i);
            }
        }
        int count = rnd.nextInt(8) == 0 ? rnd.nextInt(0x10000) : rnd.nextInt(1, N + 1);
        for (int i = 0; i < Math.min(count, N); i++) {
            memory.segment().set(GuestMemory.SHORT, driver.avail[0] + 4 + 2L * i - RAM_BASE, (short) index(rnd));
        }
        memory.segment().set(GuestMemory.SHORT, driver.avail[0] + 2 - RAM_BASE, (short) count);
    }

    private static void writeRandomDesc(SplittableRandom rnd, GuestMemory memory, GuestDriver driver, long table, int i) {
        int flags = switch (rnd.nextInt(8)) {
            case 0 -> rnd.nextInt(0x10000);
            case 1, 2 -> rnd.nextInt(8);
            default -> rnd.nextInt(4); // plain chains, so that many requests get served
        };
        long addr = (flags & Virtqueue.DESC_F_INDIRECT) != 0 && rnd.nextBoolean()
                ? RAM_BASE + 0x20000 + 0x1000L * rnd.nextInt(4) : address(rnd, memory);
        driver.writeDesc(table, i, addr, length(rnd), flags, index(rnd));
    }

    /**
     * Flips bytes in the driver's areas while the device is between notifications. (The device
     * area is the device's own output; the used index doubles as the served-chains count.)
     */
    private static void mutate(SplittableRandom rnd, GuestMemory memory, GuestDriver driver) {
        long[] areas = {driver.desc[0], driver.avail[0]};
        long[] sizes = {16L * N, 6 + 2L * N};
        for (int m = rnd.nextInt(1, 6); m > 0; m--) {
            int a = rnd.nextInt(2);
            long off = areas[a] + rnd.nextLong(sizes[a]) - RAM_BASE;
            memory.segment().set(java.lang.foreign.ValueLayout.JAVA_BYTE, off, (byte) rnd.nextInt());
        }
    }
}
