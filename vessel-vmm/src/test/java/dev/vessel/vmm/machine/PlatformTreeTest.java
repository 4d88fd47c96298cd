package dev.vessel.vmm.machine;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reads the generated blob back with a minimal FDT parser written from the specification. */
class PlatformTreeTest {

    @Test
    void blobHasHeaderNodesAndProperties() {
        byte[] blob = PlatformTree.build(new PlatformTree.Layout(0x8000_0000L, 256L << 20, 2, true, "console=ttyS0",
                0x8f00_0000L, 0x8f10_0000L, 0x1000_0000L, 8, 10,
                List.of(new PlatformTree.Slot(0x1000_1000L, 0x1000, 1))));
        ByteBuffer b = ByteBuffer.wrap(blob);
        assertEquals(0xd00dfeed, b.getInt(0));
        assertEquals(blob.length, b.getInt(4));
        assertEquals(17, b.getInt(20));
        assertEquals(0, blob.length % 8);
        Map<String, byte[]> props = parse(blob);

        assertEquals("console=ttyS0", string(props.get("/chosen/bootargs")));
        assertEquals("/soc/serial@10000000", string(props.get("/chosen/stdout-path")));
        assertEquals(0x8f00_0000L, ByteBuffer.wrap(props.get("/chosen/linux,initrd-start")).getLong());
        assertEquals(0x8f10_0000L, ByteBuffer.wrap(props.get("/chosen/linux,initrd-end")).getLong());
        ByteBuffer mem = ByteBuffer.wrap(props.get("/memory@80000000/reg"));
        assertEquals(0x8000_0000L, mem.getLong());
        assertEquals(256L << 20, mem.getLong());
        assertEquals(10_000_000, ByteBuffer.wrap(props.get("/cpus/timebase-frequency")).getInt());
        for (int h = 0; h < 2; h++) {
            assertEquals("rv64imafdc_zicsr_zifencei_sstc", string(props.get("/cpus/cpu@" + h + "/riscv,isa")));
            assertEquals("riscv,cpu-intc", string(props.get("/cpus/cpu@" + h + "/interrupt-controller/compatible")));
        }
        assertTrue(props.containsKey("/soc/plic@c000000/interrupt-controller"));
        // PLIC contexts: per hart, M external (11) then S external (9), in hart order
        ByteBuffer plic = ByteBuffer.wrap(props.get("/soc/plic@c000000/interrupts-extended"));
        int[] cells = new int[8];
        for (int i = 0; i < 8; i++) {
            cells[i] = plic.getInt();
        }
        assertArrayEquals(new int[] {1, 11, 1, 9, 2, 11, 2, 9}, cells);
        assertEquals("ns16550a", string(props.get("/soc/serial@10000000/compatible")));
        assertEquals(10, ByteBuffer.wrap(props.get("/soc/serial@10000000/interrupts")).getInt());
        assertEquals("virtio,mmio", string(props.get("/soc/virtio_mmio@10001000/compatible")));
        assertEquals(1, ByteBuffer.wrap(props.get("/soc/virtio_mmio@10001000/interrupts")).getInt());
    }

    private static String string(byte[] value) {
        return new String(value, 0, value.length - 1, StandardCharsets.UTF_8); // drop the NUL
    }

    /** path/property -> value, walking the structure block token by token. */
    static Map<String, byte[]> parse(byte[] blob) {
        ByteBuffer b = ByteBuffer.wrap(blob);
        int structOff = b.getInt(8);
        int stringsOff = b.getInt(12);
        Map<String, byte[]> props = new LinkedHashMap<>();
        List<String> path = new ArrayList<>();
        int p = structOff;
        while (true) {
            int token = b.getInt(p);
            p += 4;
            switch (token) {
                case 1 -> {
                    int end = p;
                    while (blob[end] != 0) {
                        end++;
                    }
                    path.add(new String(blob, p, end - p, StandardCharsets.US_ASCII));
                    p = (end + 1 + 3) & ~3;
                }
                case 2 -> path.removeLast();
                case 3 -> {
                    int len = b.getInt(p);
                    int nameOff = b.getInt(p + 4);
                    int end = stringsOff + nameOff;
                    while (blob[end] != 0) {
                        end++;
                    }
                    String name = new String(blob, stringsOff + nameOff, end - stringsOff - nameOff, StandardCharsets.US_ASCII);
                    byte[] value = new byte[len];
                    System.arraycopy(blob, p + 8, value, 0, len);
                    props.put(String.join("/", path) + "/" + name, value);
                    p = (p + 8 + len + 3) & ~3;
                }
                case 4 -> { }
                case 9 -> {
                    return props;
                }
                default -> throw new IllegalStateException("bad token " + token + " at " + (p - 4));
            }
        }
    }
}
