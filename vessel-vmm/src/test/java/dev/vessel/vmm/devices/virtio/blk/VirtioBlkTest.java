package dev.vessel.vmm.devices.virtio.blk;

import static dev.vessel.vmm.devices.virtio.GuestDriver.RAM_BASE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vessel.vmm.devices.virtio.GuestDriver;
import dev.vessel.vmm.devices.virtio.VirtioMmio;
import dev.vessel.vmm.memory.GuestMemory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VirtioBlkTest {

    static final int SECTORS = 64;

    @TempDir
    Path dir;
    GuestMemory memory = new GuestMemory(RAM_BASE, 4 << 20);
    Path file;
    DiskImage image;
    VirtioMmio mmio;
    GuestDriver driver;

    void open(boolean readOnly) throws IOException {
        file = dir.resolve("disk.img");
        byte[] content = new byte[SECTORS * 512];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i / 512 + 1); // each sector filled with its number + 1
        }
        Files.write(file, content);
        image = DiskImage.open(file, readOnly);
        mmio = new VirtioMmio(memory, new VirtioBlk(image, "vessel-disk-0"), level -> { });
        driver = new GuestDriver(memory, mmio);
        driver.start(readOnly ? VirtioBlk.F_RO : VirtioBlk.F_FLUSH | VirtioBlk.F_DISCARD | VirtioBlk.F_WRITE_ZEROES, 16, 1);
    }

    @AfterEach
    void close() throws IOException {
        if (image != null) {
            image.close();
        }
        memory.close();
    }

    long header(int type, long sector) {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, type).putLong(8, sector);
        return driver.put(b.array());
    }

    /** Runs one request; returns {status, used length}. */
    long[] request(long[][] buffers, long statusAddr) {
        driver.post(0, buffers);
        driver.notify(0);
        long[] used = driver.takeUsed(0);
        assertFalse(driver.needsReset(), () -> "device failed: " + mmio.failure());
        return new long[] {driver.get(statusAddr, 1)[0], used[1]};
    }

    byte[] readSectors(long sector, int count) {
        long data = driver.alloc(512L * count);
        long status = driver.alloc(1);
        long[] r = request(new long[][] {{header(VirtioBlk.T_IN, sector), 16, 0}, {data, 512L * count, 1}, {status, 1, 1}}, status);
        assertEquals(VirtioBlk.S_OK, r[0]);
        assertEquals(512L * count + 1, r[1]);
        return driver.get(data, 512 * count);
    }

    int writeSectors(long sector, byte[] data) {
        long status = driver.alloc(1);
        return (int) request(new long[][] {{header(VirtioBlk.T_OUT, sector), 16, 0}, {driver.put(data), data.length, 0},
                {status, 1, 1}}, status)[0];
    }

    @Test
    void capacityAndFeaturesInConfig() throws IOException {
        open(false);
        assertEquals(SECTORS, mmio.read(0x100, 8));
        assertEquals(512, mmio.read(0x100 + 20, 4));
        long features = driver.deviceFeatures();
        assertTrue((features & VirtioBlk.F_FLUSH) != 0);
        assertEquals(0, features & VirtioBlk.F_RO);
    }

    @Test
    void readsSectors() throws IOException {
        open(false);
        byte[] data = readSectors(3, 2);
        assertEquals(4, data[0]);
        assertEquals(4, data[511]);
        assertEquals(5, data[512]);
    }

    @Test
    void writesReachTheImageFile() throws IOException {
        open(false);
        byte[] payload = new byte[1024];
        Arrays.fill(payload, (byte) 0x77);
        assertEquals(VirtioBlk.S_OK, writeSectors(10, payload));
        long status = driver.alloc(1);
        assertEquals(VirtioBlk.S_OK, request(new long[][] {{header(VirtioBlk.T_FLUSH, 0), 16, 0}, {status, 1, 1}}, status)[0]);
        byte[] onDisk = Files.readAllBytes(file);
        assertEquals(0x77, onDisk[10 * 512]);
        assertEquals(0x77, onDisk[12 * 512 - 1]);
        assertEquals(13, onDisk[12 * 512], "next sector untouched");
        assertArrayEquals(payload, Arrays.copyOf(readSectors(10, 2), 1024));
    }

    @Test
    void headerAndDataMayShareADescriptor() throws IOException {
        open(false);
        byte[] req = new byte[16 + 512];
        req[0] = VirtioBlk.T_OUT;
        req[8] = 5; // sector 5
        Arrays.fill(req, 16, req.length, (byte) 0x42);
        long status = driver.alloc(1);
        assertEquals(VirtioBlk.S_OK, request(new long[][] {{driver.put(req), req.length, 0}, {status, 1, 1}}, status)[0]);
        assertEquals(0x42, Files.readAllBytes(file)[5 * 512 + 100]);
    }

    @Test
    void outOfRangeRequestsFailWithIoErr() throws IOException {
        open(false);
        long data = driver.alloc(1024);
        long status = driver.alloc(1);
        long[] r = request(new long[][] {{header(VirtioBlk.T_IN, SECTORS - 1), 16, 0}, {data, 1024, 1}, {status, 1, 1}}, status);
        assertEquals(VirtioBlk.S_IOERR, r[0]);
        assertEquals(VirtioBlk.S_IOERR, writeSectors(-1L, new byte[512]));
        assertEquals(VirtioBlk.S_IOERR, writeSectors(2, new byte[100]), "partial sector");
    }

    @Test
    void readOnlyImageRefusesWritesAndDiscard() throws IOException {
        open(true);
        assertTrue((driver.deviceFeatures() & VirtioBlk.F_RO) != 0);
        byte[] before = Files.readAllBytes(file);
        assertEquals(VirtioBlk.S_IOERR, writeSectors(1, new byte[512]));
        long seg = driver.put(segment(0, 8, 0));
        long status = driver.alloc(1);
        assertEquals(VirtioBlk.S_IOERR,
                request(new long[][] {{header(VirtioBlk.T_DISCARD, 0), 16, 0}, {seg, 16, 0}, {status, 1, 1}}, status)[0]);
        assertArrayEquals(before, Files.readAllBytes(file));
        assertEquals(2, readSectors(1, 1)[0], "reads still work");
    }

    static byte[] segment(long sector, int count, int flags) {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, sector).putInt(8, count).putInt(12, flags);
        return b.array();
    }

    @Test
    void discardAndWriteZeroesReadBackAsZeros() throws IOException {
        open(false);
        for (int type : new int[] {VirtioBlk.T_DISCARD, VirtioBlk.T_WRITE_ZEROES}) {
            long sector = type == VirtioBlk.T_DISCARD ? 8 : 16;
            long status = driver.alloc(1);
            assertEquals(VirtioBlk.S_OK, request(new long[][] {{header(type, 0), 16, 0},
                    {driver.put(segment(sector, 8, 0)), 16, 0}, {status, 1, 1}}, status)[0]);
            byte[] onDisk = Files.readAllBytes(file);
            assertEquals(SECTORS * 512, onDisk.length, "size kept");
            for (int i = (int) sector * 512; i < (sector + 8) * 512; i++) {
                assertEquals(0, onDisk[i], "byte " + i);
            }
            assertEquals((byte) (sector + 9), onDisk[(int) (sector + 8) * 512], "following sector kept");
        }
    }

    @Test
    void getIdReturnsTheSerial() throws IOException {
        open(false);
        long id = driver.alloc(20);
        long status = driver.alloc(1);
        long[] r = request(new long[][] {{header(VirtioBlk.T_GET_ID, 0), 16, 0}, {id, 20, 1}, {status, 1, 1}}, status);
        assertEquals(VirtioBlk.S_OK, r[0]);
        assertEquals("vessel-disk-0", new String(driver.get(id, 13)));
        assertEquals(0, driver.get(id + 13, 1)[0]);
    }

    @Test
    void unknownRequestTypeIsUnsupported() throws IOException {
        open(false);
        long status = driver.alloc(1);
        assertEquals(VirtioBlk.S_UNSUPP, request(new long[][] {{header(99, 0), 16, 0}, {status, 1, 1}}, status)[0]);
    }

    @Test
    void headerInAWritableBufferIsAViolation() throws IOException {
        open(false);
        driver.post(0, new long[][] {{header(VirtioBlk.T_IN, 0), 16, 1}, {driver.alloc(1), 1, 1}});
        driver.notify(0);
        assertTrue(driver.needsReset());
        assertTrue(mmio.failure().contains("device-readable"), mmio.failure());
    }

    @Test
    void readIntoReadableBuffersIsAViolation() throws IOException {
        open(false);
        driver.post(0, new long[][] {{header(VirtioBlk.T_IN, 0), 16, 0}, {driver.alloc(512), 512, 0}, {driver.alloc(1), 1, 1}});
        driver.notify(0);
        assertTrue(driver.needsReset());
    }

    @Test
    void missingStatusByteIsAViolation() throws IOException {
        open(false);
        driver.post(0, new long[][] {{header(VirtioBlk.T_FLUSH, 0), 16, 0}});
        driver.notify(0);
        assertTrue(driver.needsReset());
        assertTrue(mmio.failure().contains("status byte"), mmio.failure());
    }

    @Test
    void missingOrOddSizedImagesAreRefusedWithAClearMessage() throws IOException {
        NoSuchFileException missing = assertThrows(NoSuchFileException.class, () -> DiskImage.open(dir.resolve("nope.img"), false));
        assertTrue(missing.getMessage().contains("nope.img"), missing.getMessage());
        Path odd = Files.write(dir.resolve("odd.img"), new byte[1000]);
        IOException e = assertThrows(IOException.class, () -> DiskImage.open(odd, false));
        assertTrue(e.getMessage().contains("1000") && e.getMessage().contains("multiple of 512"), e.getMessage());
    }

    @Test
    void randomRegisterTrafficNeverThrows() throws IOException {
        open(false);
        dev.vessel.vmm.devices.virtio.RegisterFuzz.run(mmio, 100_000);
    }
}
