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
import org.junit.jupiter.api.Test;

class VirtioMmioTest {

    final GuestMemory memory = new GuestMemory(RAM_BASE, 4 << 20);
    final EchoDevice device = new EchoDevice();
    boolean irq;
    final VirtioMmio mmio = new VirtioMmio(memory, device, level -> irq = level);
    final GuestDriver driver = new GuestDriver(memory, mmio);

    @AfterEach
    void close() {
        memory.close();
    }

    @Test
    void identifiesAsModernVirtioMmio() {
        assertEquals(0x74726976, driver.reg(VirtioMmio.MAGIC_VALUE));
        assertEquals(2, driver.reg(VirtioMmio.VERSION));
        assertEquals(42, driver.reg(VirtioMmio.DEVICE_ID));
        assertEquals(VirtioMmio.VENDOR, driver.reg(VirtioMmio.VENDOR_ID));
        long features = driver.deviceFeatures();
        assertTrue((features & VirtioFeatures.VERSION_1) != 0, "VERSION_1 offered");
        assertTrue((features & (1L << 3)) != 0, "device feature offered");
        assertEquals(0, features & VirtioFeatures.RING_PACKED);
        driver.reg(VirtioMmio.QUEUE_SEL, 0);
        assertEquals(16, driver.reg(VirtioMmio.QUEUE_NUM_MAX));
        driver.reg(VirtioMmio.QUEUE_SEL, 1);
        assertEquals(0, driver.reg(VirtioMmio.QUEUE_NUM_MAX), "no second queue");
    }

    @Test
    void registersNeedAligned32BitAccess() {
        assertEquals(0, mmio.read(VirtioMmio.MAGIC_VALUE, 1));
        assertEquals(0, mmio.read(VirtioMmio.MAGIC_VALUE + 2, 4));
    }

    @Test
    void configSpaceAtOffset0x100AnyWidth() {
        assertEquals(0x10, mmio.read(0x100, 1));
        assertEquals(0x1312_1110L, mmio.read(0x100, 4));
        assertEquals(0x1716_1514_1312_1110L, mmio.read(0x100, 8));
        assertEquals(0, mmio.read(0x100 + 6, 4), "read past the config space");
    }

    @Test
    void refusesDriversWithoutVersion1() {
        assertFalse(driver.negotiate(1L << 3));
        assertEquals(0, driver.reg(VirtioMmio.STATUS) & VirtioMmio.STATUS_FEATURES_OK);
    }

    @Test
    void refusesFeaturesNotOffered() {
        assertFalse(driver.negotiate(VirtioFeatures.VERSION_1 | (1L << 7)));
        assertTrue(driver.negotiate(VirtioFeatures.VERSION_1 | (1L << 3)));
    }

    @Test
    void queueRegistersReadBackAndFreezeWhenReady() {
        driver.negotiate(VirtioFeatures.VERSION_1);
        driver.setupQueue(0, 8);
        driver.reg(VirtioMmio.QUEUE_SEL, 0);
        assertEquals(1, driver.reg(VirtioMmio.QUEUE_READY));
        assertEquals((int) driver.desc[0], driver.reg(VirtioMmio.QUEUE_DESC_LOW));
        assertEquals((int) driver.avail[0], driver.reg(VirtioMmio.QUEUE_DRIVER_LOW));
        assertEquals((int) driver.used[0], driver.reg(VirtioMmio.QUEUE_DEVICE_LOW));
        driver.reg(VirtioMmio.QUEUE_DESC_LOW, 0x1234);
        assertEquals((int) driver.desc[0], driver.reg(VirtioMmio.QUEUE_DESC_LOW), "ignored while ready");
        driver.reg(VirtioMmio.QUEUE_READY, 0);
        assertEquals(0, driver.reg(VirtioMmio.QUEUE_READY));
    }

    @Test
    void processesChainAndRaisesUsedBufferInterrupt() {
        driver.start(0, 8, 1);
        long in = driver.put("hello".getBytes());
        long out = driver.alloc(16);
        int head = driver.post(0, new long[][] {{in, 5, 0}, {out, 16, 1}});
        assertFalse(irq);
        driver.notify(0);
        long[] used = driver.takeUsed(0);
        assertNotNull(used);
        assertEquals(head, used[0]);
        assertEquals(5, used[1]);
        assertArrayEquals("hello".getBytes(), driver.get(out, 5));
        assertTrue(irq);
        assertEquals(VirtioMmio.INT_USED_BUFFER, driver.reg(VirtioMmio.INTERRUPT_STATUS));
        driver.reg(VirtioMmio.INTERRUPT_ACK, VirtioMmio.INT_USED_BUFFER);
        assertFalse(irq);
        assertEquals(0, driver.reg(VirtioMmio.INTERRUPT_STATUS));
    }

    @Test
    void noInterruptWhenDriverSuppressesIt() {
        driver.start(0, 8, 1);
        memory.segment().set(GuestMemory.SHORT, driver.avail[0] - RAM_BASE, (short) Virtqueue.AVAIL_F_NO_INTERRUPT);
        driver.post(0, new long[][] {{driver.alloc(4), 4, 1}});
        driver.notify(0);
        assertNotNull(driver.takeUsed(0));
        assertFalse(irq);
    }

    @Test
    void notifyBeforeDriverOkIsIgnored() {
        driver.negotiate(VirtioFeatures.VERSION_1);
        driver.setupQueue(0, 8);
        driver.post(0, new long[][] {{driver.alloc(4), 4, 1}});
        driver.notify(0);
        assertNull(driver.takeUsed(0));
        driver.driverOk();
        driver.notify(0);
        assertNotNull(driver.takeUsed(0));
    }

    @Test
    void resetClearsStatusQueuesAndInterrupts() {
        driver.start(0, 8, 1);
        driver.post(0, new long[][] {{driver.alloc(4), 4, 1}});
        driver.notify(0);
        assertTrue(irq);
        driver.reg(VirtioMmio.STATUS, 0);
        assertEquals(0, driver.reg(VirtioMmio.STATUS));
        assertEquals(0, driver.reg(VirtioMmio.INTERRUPT_STATUS));
        assertFalse(irq);
        driver.reg(VirtioMmio.QUEUE_SEL, 0);
        assertEquals(0, driver.reg(VirtioMmio.QUEUE_READY));
        assertEquals(0, driver.reg(VirtioMmio.QUEUE_DESC_LOW));
        assertEquals(1, device.resets);
    }

    @Test
    void badQueueSizeNeedsReset() {
        driver.negotiate(VirtioFeatures.VERSION_1);
        driver.setupQueue(0, 12);
        assertTrue(driver.needsReset());
        assertTrue(irq);
        assertEquals(VirtioMmio.INT_CONFIG_CHANGE, driver.reg(VirtioMmio.INTERRUPT_STATUS));
        assertTrue(mmio.failure().contains("power of two"), mmio.failure());
    }

    @Test
    void queueAreasOutsideRamNeedReset() {
        driver.negotiate(VirtioFeatures.VERSION_1);
        int generation = driver.reg(VirtioMmio.CONFIG_GENERATION);
        driver.setupQueue(0, 8, RAM_BASE + memory.size() - 64, RAM_BASE + 0x2000, RAM_BASE + 0x3000);
        assertTrue(driver.needsReset());
        assertTrue(mmio.failure().contains("outside guest RAM"), mmio.failure());
        assertEquals(generation + 1, driver.reg(VirtioMmio.CONFIG_GENERATION));
    }

    @Test
    void driverCannotSetOrClearNeedsReset() {
        driver.negotiate(VirtioFeatures.VERSION_1);
        driver.reg(VirtioMmio.STATUS, driver.reg(VirtioMmio.STATUS) | VirtioMmio.STATUS_NEEDS_RESET);
        assertFalse(driver.needsReset());
    }

    @Test
    void deviceWorksAgainAfterResetFollowingAFailure() {
        driver.start(0, 8, 1);
        driver.post(0, new long[][] {{RAM_BASE - 4096, 16, 1}});
        driver.notify(0);
        assertTrue(driver.needsReset());
        driver.reg(VirtioMmio.STATUS, 0);
        assertFalse(driver.needsReset());
        assertNull(mmio.failure());
        driver.nextDesc[0] = driver.availIdx[0] = driver.usedSeen[0] = 0;
        driver.start(0, 8, 1);
        driver.post(0, new long[][] {{driver.alloc(4), 4, 1}});
        driver.notify(0);
        assertNotNull(driver.takeUsed(0));
        assertFalse(driver.needsReset());
    }

    /** A reset on one vCPU while others kick the queue must not pull the queue away mid-request. */
    @Test
    void resetRacingNotificationsNeverBreaksTheDevice() throws Exception {
        java.util.logging.Logger quiet = java.util.logging.Logger.getLogger(VirtioMmio.class.getName());
        quiet.setLevel(java.util.logging.Level.OFF);
        driver.start(0, 8, 1);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicReference<String> internal = new java.util.concurrent.atomic.AtomicReference<>();
        Thread[] kickers = new Thread[2];
        for (int t = 0; t < kickers.length; t++) {
            kickers[t] = Thread.ofPlatform().start(() -> {
                while (!stop.get()) {
                    mmio.write(VirtioMmio.QUEUE_NOTIFY, 4, 0);
                    String f = mmio.failure();
                    if (f != null && f.startsWith("internal error")) {
                        internal.set(f);
                    }
                }
            });
        }
        long end = System.nanoTime() + 500_000_000L;
        int rounds = 0;
        while (System.nanoTime() < end) {
            driver.reg(VirtioMmio.STATUS, 0);
            driver.nextDesc[0] = driver.availIdx[0] = driver.usedSeen[0] = 0;
            driver.start(0, 8, 1);
            for (int i = 0; i < 4; i++) {
                driver.post(0, new long[][] {{driver.alloc(16), 16, 1}});
            }
            driver.heap = RAM_BASE + 0x10_0000;
            rounds++;
        }
        stop.set(true);
        for (Thread t : kickers) {
            t.join();
        }
        assertNull(internal.get());
        assertTrue(rounds > 10, "rounds " + rounds);
        quiet.setLevel(null);
    }

    @Test
    void outOfRangeSelectorsSelectNothing() {
        driver.negotiate(VirtioFeatures.VERSION_1);
        driver.reg(VirtioMmio.QUEUE_SEL, -1);
        assertEquals(0, driver.reg(VirtioMmio.QUEUE_NUM_MAX));
        driver.reg(VirtioMmio.QUEUE_NUM, 8);
        driver.reg(VirtioMmio.QUEUE_READY, 1);
        assertEquals(0, driver.reg(VirtioMmio.QUEUE_READY));
        driver.reg(VirtioMmio.DEVICE_FEATURES_SEL, -1);
        assertEquals(0, driver.reg(VirtioMmio.DEVICE_FEATURES));
        driver.reg(VirtioMmio.STATUS, 0);
        driver.reg(VirtioMmio.DRIVER_FEATURES_SEL, -1);
        driver.reg(VirtioMmio.DRIVER_FEATURES, -1); // must not land in either half
        driver.reg(VirtioMmio.DRIVER_FEATURES_SEL, 1);
        driver.reg(VirtioMmio.DRIVER_FEATURES, 1);
        driver.reg(VirtioMmio.STATUS, VirtioMmio.STATUS_ACKNOWLEDGE | VirtioMmio.STATUS_DRIVER | VirtioMmio.STATUS_FEATURES_OK);
        assertTrue((driver.reg(VirtioMmio.STATUS) & VirtioMmio.STATUS_FEATURES_OK) != 0, "only VERSION_1 was written");
    }

    @Test
    void randomRegisterTrafficNeverThrows() {
        RegisterFuzz.run(mmio, 200_000);
    }
}
