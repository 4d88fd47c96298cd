package dev.vessel.vmm.machine;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MachineBuilderTest {

    /** A Linux Image header claiming {@code imageSize} bytes (text_offset 2 MiB). */
    private static byte[] image(long imageSize) {
        ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0x08, 0x20_0000L).putLong(0x10, imageSize).putInt(0x38, 0x05435352);
        return b.array();
    }

    @Test
    void kernelLargerThanMemoryIsOneClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Machine.builder().kernel(image(300L << 20)).memory(256L << 20).build());
        assertTrue(e.getMessage().contains("too small for the kernel"), e.getMessage());
        assertTrue(e.getMessage().contains("256 MiB"), e.getMessage());
    }

    @Test
    void badArgumentsNameTheValue() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Machine.builder().cpus(0))
                .getMessage().startsWith("cpus 0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Machine.builder().memory(1000))
                .getMessage().startsWith("memory 1000 bytes"));
        assertThrows(IllegalStateException.class, () -> Machine.builder().build());
    }

    @Test
    void powerOffRegisterEndsTheRunWithItsStatus() throws Exception {
        // li t0, 0x100000; li t1, 0x002a3333 (status 42); sw t1, 0(t0); j .
        int[] code = {0x001002b7, 0x002a3337, 0x3333031b, 0x0062a023, 0x0000006f};
        ByteBuffer b = ByteBuffer.allocate(code.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int c : code) {
            b.putInt(c);
        }
        try (Machine m = Machine.builder().program(b.array()).memory(16L << 20)
                .console(new ByteArrayOutputStream(), null).build()) {
            assertEquals(ExitStatus.powerOff(42), m.run(Duration.ofSeconds(10)));
        }
    }

    @Test
    void stopEndsARunningMachine() throws Exception {
        int[] spin = {0x0000006f}; // j .
        ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(spin[0]);
        try (Machine m = Machine.builder().program(b.array()).memory(16L << 20).cpus(2)
                .console(new ByteArrayOutputStream(), null).build()) {
            Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                m.stop();
            });
            assertEquals(ExitStatus.Kind.STOPPED, m.run(Duration.ofSeconds(10)).kind());
        }
    }
}
