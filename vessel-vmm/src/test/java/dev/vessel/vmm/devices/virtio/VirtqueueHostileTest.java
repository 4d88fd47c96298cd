package dev.vessel.vmm.devices.virtio;

import static dev.vessel.vmm.devices.virtio.GuestDriver.RAM_BASE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vessel.vmm.memory.GuestMemory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each case is one way a hostile guest can lie in its rings; each must end in NEEDS_RESET. */
class VirtqueueHostileTest {

    static final int N = 8;
    final GuestMemory memory = new GuestMemory(RAM_BASE, 4 << 20);
    final EchoDevice device = new EchoDevice();
    final VirtioMmio mmio = new VirtioMmio(memory, device, level -> { });
    final GuestDriver driver = new GuestDriver(memory, mmio);
    long table;

    @BeforeEach
    void start() {
        driver.start(VirtioFeatures.RING_INDIRECT_DESC, N, 1);
        table = driver.desc[0];
    }

    @AfterEach
    void close() {
        memory.close();
    }

    private void expectNeedsReset(String reasonPart) {
        driver.notify(0);
        assertTrue(driver.needsReset(), "device should need reset");
        assertNotNull(mmio.failure());
        assertTrue(mmio.failure().contains(reasonPart), mmio.failure());
        assertNull(driver.takeUsed(0), "nothing used from a bad chain");
        // Once failed, further notifications are ignored rather than processed.
        driver.post(0, new long[][] {{driver.alloc(4), 4, 1}});
        driver.notify(0);
        assertNull(driver.takeUsed(0));
    }

    @Test
    void wellFormedChainsAreAccepted() {
        long in = driver.put(new byte[] {1, 2, 3});
        long out = driver.alloc(3);
        driver.post(0, new long[][] {{in, 3, 0}, {out, 3, 1}});
        driver.notify(0);
        assertFalse(driver.needsReset());
        assertArrayEquals(new byte[] {1, 2, 3}, driver.get(out, 3));
    }

    @Test
    void bufferBeforeRam() {
        driver.post(0, new long[][] {{RAM_BASE - 16, 16, 1}});
        expectNeedsReset("outside guest RAM");
    }

    @Test
    void bufferRunningPastEndOfRam() {
        driver.post(0, new long[][] {{RAM_BASE + memory.size() - 8, 16, 1}});
        expectNeedsReset("outside guest RAM");
    }

    @Test
    void bufferLengthThatWrapsTheAddressSpace() {
        driver.post(0, new long[][] {{-8L, 0xFFFF_FFF0L, 1}});
        expectNeedsReset("outside guest RAM");
    }

    @Test
    void descriptorLoop() {
        long buf = driver.alloc(16);
        driver.writeDesc(table, 0, buf, 16, Virtqueue.DESC_F_NEXT, 1);
        driver.writeDesc(table, 1, buf, 16, Virtqueue.DESC_F_NEXT, 0);
        driver.publish(0, 0);
        expectNeedsReset("a loop?");
    }

    @Test
    void selfLoop() {
        driver.writeDesc(table, 3, driver.alloc(16), 16, Virtqueue.DESC_F_NEXT, 3);
        driver.publish(0, 3);
        expectNeedsReset("longer than its queue");
    }

    @Test
    void chainLongerThanTheQueue() {
        // N descriptors all chained and the last pointing back into the chain: N+1 hops.
        long buf = driver.alloc(16);
        for (int i = 0; i < N; i++) {
            driver.writeDesc(table, i, buf, 16, Virtqueue.DESC_F_NEXT, (i + 1) % N);
        }
        driver.publish(0, 0);
        expectNeedsReset("longer than its queue (8 entries)");
    }

    @Test
    void nextIndexBeyondTheTable() {
        driver.writeDesc(table, 0, driver.alloc(16), 16, Virtqueue.DESC_F_NEXT, N + 5);
        driver.publish(0, 0);
        expectNeedsReset("beyond its 8-entry table");
    }

    @Test
    void headIndexBeyondTheTable() {
        driver.publish(0, N);
        expectNeedsReset("names descriptor 8");
    }

    @Test
    void availableIndexRunningAhead() {
        memory.segment().set(GuestMemory.SHORT, driver.avail[0] + 2 - RAM_BASE, (short) (N + 1));
        expectNeedsReset("more than the queue size");
    }

    @Test
    void readableAfterWritable() {
        driver.post(0, new long[][] {{driver.alloc(4), 4, 1}, {driver.alloc(4), 4, 0}});
        expectNeedsReset("device-readable but follows a device-writable");
    }

    @Test
    void indirectTableIsAccepted() {
        long in = driver.put(new byte[] {9, 8, 7, 6});
        long out = driver.alloc(4);
        long ind = driver.alloc(32);
        driver.writeDesc(ind, 0, in, 4, Virtqueue.DESC_F_NEXT, 1);
        driver.writeDesc(ind, 1, out, 4, Virtqueue.DESC_F_WRITE, 0);
        driver.writeDesc(table, 0, ind, 32, Virtqueue.DESC_F_INDIRECT, 0);
        driver.publish(0, 0);
        driver.notify(0);
        assertFalse(driver.needsReset(), mmio.failure());
        assertEquals(4, driver.takeUsed(0)[1]);
        assertArrayEquals(new byte[] {9, 8, 7, 6}, driver.get(out, 4));
    }

    @Test
    void indirectWithoutTheFeature() {
        driver.reg(VirtioMmio.STATUS, 0);
        driver.nextDesc[0] = driver.availIdx[0] = 0;
        driver.start(0, N, 1);
        long ind = driver.alloc(16);
        driver.writeDesc(ind, 0, driver.alloc(4), 4, Virtqueue.DESC_F_WRITE, 0);
        driver.writeDesc(table, 0, ind, 16, Virtqueue.DESC_F_INDIRECT, 0);
        driver.publish(0, 0);
        expectNeedsReset("not negotiated");
    }

    @Test
    void nestedIndirect() {
        long ind = driver.alloc(16);
        driver.writeDesc(ind, 0, ind, 16, Virtqueue.DESC_F_INDIRECT, 0);
        driver.writeDesc(table, 0, ind, 16, Virtqueue.DESC_F_INDIRECT, 0);
        driver.publish(0, 0);
        expectNeedsReset("another indirect");
    }

    @Test
    void indirectLengthNotAMultipleOf16() {
        driver.writeDesc(table, 0, driver.alloc(32), 24, Virtqueue.DESC_F_INDIRECT, 0);
        driver.publish(0, 0);
        expectNeedsReset("not a multiple of 16");
    }

    @Test
    void indirectTableOutsideRam() {
        driver.writeDesc(table, 0, RAM_BASE + memory.size() - 16, 64, Virtqueue.DESC_F_INDIRECT, 0);
        driver.publish(0, 0);
        expectNeedsReset("indirect table");
    }

    @Test
    void indirectWithNext() {
        driver.writeDesc(table, 0, driver.alloc(16), 16, Virtqueue.DESC_F_INDIRECT | Virtqueue.DESC_F_NEXT, 1);
        driver.publish(0, 0);
        expectNeedsReset("also has NEXT");
    }

    @Test
    void loopInsideIndirectTable() {
        long ind = driver.alloc(32);
        long buf = driver.alloc(4);
        driver.writeDesc(ind, 0, buf, 4, Virtqueue.DESC_F_NEXT, 1);
        driver.writeDesc(ind, 1, buf, 4, Virtqueue.DESC_F_NEXT, 0);
        driver.writeDesc(table, 0, ind, 32, Virtqueue.DESC_F_INDIRECT, 0);
        driver.publish(0, 0);
        expectNeedsReset("indirect table (2 entries)");
    }
}
