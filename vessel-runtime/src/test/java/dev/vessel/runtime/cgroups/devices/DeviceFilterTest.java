package dev.vessel.runtime.cgroups.devices;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vessel.runtime.cgroups.CgroupException;
import dev.vessel.runtime.spec.LinuxResources;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The eBPF device program: its exact bytes for a small rule set, and its behaviour for the
 * default rules run through a small interpreter of the instructions it uses (the real kernel
 * runs it in CgroupV2IT).
 */
class DeviceFilterTest {
    private static final int BLOCK = 1, CHAR = 2, MKNOD = 1, READ = 2, WRITE = 4;

    @Test
    void bytesForDenyAllThenAllowDevNullReadWrite() {
        List<DevicePermission> rules = List.of(
                new DevicePermission(false, 'a', DevicePermission.ANY, DevicePermission.ANY, "rwm"),
                new DevicePermission(true, 'c', 1, 3, "rw"));
        byte[] code = DeviceFilter.encode(DeviceFilter.compile(rules));
        String expected = String.join("",
                "6112000000000000", // r2 = *(u32 *)(r1 + 0)
                "54020000ffff0000", // w2 &= 0xffff
                "6113000000000000", // r3 = *(u32 *)(r1 + 0)
                "7403000010000000", // w3 >>= 16
                "6114040000000000", // r4 = *(u32 *)(r1 + 4)
                "6115080000000000", // r5 = *(u32 *)(r1 + 8)
                "5502070002000000", // if r2 != 2 (char) goto +7
                "bc31000000000000", // w1 = w3
                "5401000006000000", // w1 &= READ|WRITE
                "5d31040000000000", // if r1 != r3 goto +4
                "5504030001000000", // if r4 != 1 goto +3
                "5505020003000000", // if r5 != 3 goto +2
                "b400000001000000", // w0 = 1
                "9500000000000000", // exit
                "b400000000000000", // w0 = 0 (default: deny)
                "9500000000000000"); // exit
        assertEquals(expected, HexFormat.of().formatHex(code));
    }

    @Test
    void defaultRulesAllowTheStandardDevicesOnly() {
        List<DevicePermission> rules = DevicePermission.effective(
                List.of(new LinuxResources.DeviceRule(false, null, null, null, "rwm")));
        byte[] p = DeviceFilter.encode(DeviceFilter.compile(rules));
        assertTrue(run(p, CHAR, READ | WRITE, 1, 3), "/dev/null rw");
        assertTrue(run(p, CHAR, READ, 1, 9), "/dev/urandom r");
        assertTrue(run(p, CHAR, READ | WRITE, 136, 7), "/dev/pts/7");
        assertTrue(run(p, CHAR, READ | WRITE, 10, 200), "/dev/net/tun");
        assertTrue(run(p, BLOCK, MKNOD, 8, 0), "mknod of any block device");
        assertFalse(run(p, BLOCK, READ, 8, 0), "reading /dev/sda");
        assertFalse(run(p, CHAR, READ, 1, 11), "/dev/kmsg");
        assertFalse(run(p, CHAR, READ | MKNOD, 4, 1), "mknod+read of a tty the rules do not name");
    }

    @Test
    void laterRulesWinAndDenyMatchesOnAnyOverlap() {
        List<DevicePermission> rules = DevicePermission.effective(List.of(
                new LinuxResources.DeviceRule(true, "a", null, null, "rwm"),        // allow all...
                new LinuxResources.DeviceRule(false, "b", 8L, null, "w"),          // ...but writing sd*
                new LinuxResources.DeviceRule(false, "c", 1L, 3L, "rwm")));         // and /dev/null, until the defaults re-allow it
        byte[] p = DeviceFilter.encode(DeviceFilter.compile(rules));
        assertTrue(run(p, BLOCK, READ, 8, 1));
        assertFalse(run(p, BLOCK, WRITE, 8, 1));
        assertFalse(run(p, BLOCK, READ | WRITE, 8, 1), "deny on any overlap");
        assertTrue(run(p, BLOCK, READ | WRITE, 9, 1), "default is allow after \"a\"");
        assertTrue(run(p, CHAR, WRITE, 1, 3), "the default /dev/null allow comes after the deny");
    }

    @Test
    void specRulesAreValidatedWithTheirJsonPath() {
        CgroupException e = assertThrows(CgroupException.class, () -> DevicePermission.effective(List.of(
                new LinuxResources.DeviceRule(true, "c", 1L, 3L, "rwx"))));
        assertEquals("linux.resources.devices[0].access \"rwx\" may hold only the letters r, w and m", e.getMessage());
        e = assertThrows(CgroupException.class, () -> DevicePermission.effective(List.of(
                new LinuxResources.DeviceRule(true, "c", 1L, 3L, "r"), new LinuxResources.DeviceRule(true, "p", 1L, 3L, "r"))));
        assertEquals("linux.resources.devices[1].type \"p\" is not a device type: use \"a\", \"b\" or \"c\"", e.getMessage());
        assertEquals("c 1:* rw", DevicePermission.of(new LinuxResources.DeviceRule(true, "c", 1L, -1L, "wr"), "x").v1Line());
    }

    /** Interprets exactly the opcodes DeviceFilter emits, on a bpf_cgroup_dev_ctx. */
    static boolean run(byte[] code, int type, int access, int major, int minor) {
        ByteBuffer b = ByteBuffer.wrap(code).order(ByteOrder.nativeOrder());
        int[] ctx = {(access << 16) | type, major, minor};
        long[] r = new long[11];
        int pc = 0;
        for (int steps = 0; steps < 10_000; steps++) {
            int op = b.get(pc * 8) & 0xFF;
            int regs = b.get(pc * 8 + 1) & 0xFF;
            int dst = regs & 0xF, src = regs >> 4;
            short off = b.getShort(pc * 8 + 2);
            int imm = b.getInt(pc * 8 + 4);
            pc++;
            switch (op) {
                case 0x61 -> r[dst] = ctx[off / 4] & 0xFFFFFFFFL;
                case 0x54 -> r[dst] = (r[dst] & imm) & 0xFFFFFFFFL;
                case 0x74 -> r[dst] = ((r[dst] & 0xFFFFFFFFL) >>> imm) & 0xFFFFFFFFL;
                case 0xbc -> r[dst] = r[src] & 0xFFFFFFFFL;
                case 0xb4 -> r[dst] = imm & 0xFFFFFFFFL;
                case 0x55 -> pc += r[dst] != (long) imm ? off : 0;
                case 0x15 -> pc += r[dst] == (long) imm ? off : 0;
                case 0x5d -> pc += r[dst] != r[src] ? off : 0;
                case 0x95 -> {
                    return r[0] == 1;
                }
                default -> throw new AssertionError("unexpected opcode " + Integer.toHexString(op));
            }
        }
        throw new AssertionError("no exit");
    }

    @Test
    void bpfErrorsNameTheCommandAndErrno() {
        CgroupException e = BpfDeviceGate.error("attaching the device program to /x (BPF_PROG_ATTACH)", 1, "needs CAP_SYS_ADMIN");
        assertEquals("cgroup v2 devices: attaching the device program to /x (BPF_PROG_ATTACH): Operation not permitted "
                + "(EPERM) (needs CAP_SYS_ADMIN)", e.getMessage());
        assertEquals("EPERM", e.errno());
    }

    @Test
    void interpreterSanity() {
        // exit with r0 = 1 straight away
        byte[] allowAll = DeviceFilter.encode(DeviceFilter.compile(List.of(
                new DevicePermission(true, 'a', DevicePermission.ANY, DevicePermission.ANY, "rwm"))));
        assertTrue(run(allowAll, BLOCK, READ, 8, 0));
        assertArrayEquals(new byte[] {(byte) 0xb4, 0, 0, 0, 1, 0, 0, 0}, java.util.Arrays.copyOfRange(allowAll, 48, 56));
    }
}
