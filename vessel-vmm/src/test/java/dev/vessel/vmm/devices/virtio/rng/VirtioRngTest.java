package dev.vessel.vmm.devices.virtio.rng;

import static dev.vessel.vmm.devices.virtio.GuestDriver.RAM_BASE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vessel.vmm.devices.virtio.GuestDriver;
import dev.vessel.vmm.devices.virtio.VirtioMmio;
import dev.vessel.vmm.memory.GuestMemory;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class VirtioRngTest {

    final GuestMemory memory = new GuestMemory(RAM_BASE, 4 << 20);
    final VirtioMmio mmio = new VirtioMmio(memory, new VirtioRng(), level -> { });
    final GuestDriver driver = new GuestDriver(memory, mmio);

    @AfterEach
    void close() {
        memory.close();
    }

    @Test
    void fillsWritableBuffersWithRandomBytes() {
        driver.start(0, 8, 1);
        assertEquals(VirtioRng.DEVICE_TYPE, driver.reg(0x008));
        long a = driver.alloc(5000);
        long b = driver.alloc(64);
        driver.post(0, new long[][] {{a, 5000, 1}, {b, 64, 1}});
        driver.notify(0);
        long[] used = driver.takeUsed(0);
        assertEquals(5064, used[1]);
        byte[] got = driver.get(a, 5000);
        assertFalse(Arrays.equals(new byte[5000], got), "not all zeros");
        int[] histogram = new int[256];
        for (byte x : got) {
            histogram[x & 0xFF]++;
        }
        assertTrue(Arrays.stream(histogram).max().getAsInt() < 60, "roughly uniform");
    }

    @Test
    void capsOneRequest() {
        driver.start(0, 8, 1);
        long big = driver.alloc(VirtioRng.MAX_PER_REQUEST + 4096);
        driver.post(0, new long[][] {{big, VirtioRng.MAX_PER_REQUEST + 4096, 1}});
        driver.notify(0);
        assertEquals(VirtioRng.MAX_PER_REQUEST, driver.takeUsed(0)[1]);
    }

    @Test
    void readableBufferIsAViolation() {
        driver.start(0, 8, 1);
        driver.post(0, new long[][] {{driver.alloc(16), 16, 0}});
        driver.notify(0);
        assertTrue(driver.needsReset());
    }

    @Test
    void randomRegisterTrafficNeverThrows() {
        dev.vessel.vmm.devices.virtio.RegisterFuzz.run(mmio, 100_000);
    }
}
