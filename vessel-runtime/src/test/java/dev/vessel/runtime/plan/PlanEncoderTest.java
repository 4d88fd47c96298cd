package dev.vessel.runtime.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PlanEncoderTest {

    /** The C side's OPS table: code, NAME, field codes. */
    private static Map<String, String[]> cTable() throws Exception {
        String source = Files.readString(Path.of("src/main/c/vessel-init.c"));
        Matcher m = Pattern.compile("X\\((\\d+), (\\w+), \"(\\w*)\"\\)").matcher(source);
        Map<String, String[]> table = new HashMap<>();
        while (m.find()) {
            table.put(m.group(2), new String[] {m.group(1), m.group(3)});
        }
        return table;
    }

    private static String cName(Class<?> type) {
        return type.getSimpleName().replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase();
    }

    @Test
    void everyOpHasTheCodeAndFieldOrderOfTheCTable() throws Exception {
        Map<String, String[]> table = cTable();
        Class<?>[] ops = Op.class.getPermittedSubclasses();
        assertEquals(table.size(), ops.length, "vessel-init.c and Op.java list different numbers of ops");
        for (Class<?> type : ops) {
            @SuppressWarnings("unchecked")
            Class<? extends Op> opType = (Class<? extends Op>) type;
            String[] c = table.get(cName(type));
            assertTrue(c != null, "vessel-init.c has no op " + cName(type));
            Op sample = sample(opType);
            assertEquals(Integer.parseInt(c[0]), PlanEncoder.code(sample), "code of " + type.getSimpleName());
            assertEquals(c[1], PlanEncoder.fieldCodes(opType), "fields of " + type.getSimpleName());
        }
    }

    /** Every message Java knows (PlanEncoder.MSG_*) has the same number in vessel-init.c's enum, and the reverse for those crossing the channel. */
    @Test
    void everyMessageHasTheNumberOfTheCEnum() throws Exception {
        String source = Files.readString(Path.of("src/main/c/vessel-init.c"));
        Matcher m = Pattern.compile("MSG_(\\w+) = (0x[0-9a-fA-F]+)").matcher(source);
        Map<String, Integer> c = new HashMap<>();
        while (m.find()) {
            c.put(m.group(1), Integer.decode(m.group(2)));
        }
        Map<String, Integer> java = new HashMap<>();
        for (var f : PlanEncoder.class.getDeclaredFields()) {
            if (f.getName().startsWith("MSG_")) {
                java.put(f.getName().substring(4), f.getInt(null));
            }
        }
        assertTrue(java.keySet().containsAll(List.of("RESUME", "HOOKS", "GO", "READY")), "Java's messages: " + java);
        java.forEach((name, value) -> assertEquals(value, c.get(name), "MSG_" + name + " in vessel-init.c"));
        c.forEach((name, value) -> assertTrue(name.equals("LISTENER_TAKEN") || java.containsKey(name),
                "MSG_" + name + " of vessel-init.c is unknown to PlanEncoder (only LISTENER_TAKEN stays between helper and child)"));
    }

    /** An instance with default component values, only to ask the encoder for its code. */
    private static Op sample(Class<? extends Op> type) throws Exception {
        var components = type.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        Object[] args = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            args[i] = types[i] == int.class ? 0 : types[i] == long.class ? 0L : types[i] == boolean.class ? false
                    : types[i] == String.class ? "" : types[i] == List.class ? List.of() : new byte[0];
        }
        return type.getDeclaredConstructor(types).newInstance(args);
    }

    @Test
    void wireFormat() {
        LaunchPlan plan = LaunchPlan.builder(LaunchPlan.Mode.MONITOR)
                .add(new Op.Clone(0x20000000L), "linux.namespaces")
                .add(new Op.SetSid(true), "process.terminal")
                .add(new Op.Exec("sh", "/bin", List.of("sh", "-c"), List.of("A=é")), "process.args[0]")
                .build();
        ByteBuffer b = ByteBuffer.wrap(plan.encode()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x100, b.getInt());
        assertEquals(16, b.getInt());
        assertEquals(0x504c5356, b.getInt());
        assertEquals(1, b.getInt());
        assertEquals(2, b.getInt()); // MONITOR
        assertEquals(3, b.getInt());
        assertEquals(3, b.getInt()); // CLONE
        assertEquals(8, b.getInt());
        assertEquals(0x20000000L, b.getLong());
        assertEquals(4, b.getInt()); // SET_SID
        assertEquals(4, b.getInt());
        assertEquals(1, b.getInt());
        assertEquals(31, b.getInt()); // EXEC
        int length = b.getInt();
        assertEquals(b.remaining(), length);
        assertEquals(2, b.getInt());
        byte[] s = new byte[2];
        b.get(s);
        assertArrayEquals("sh".getBytes(), s);
        assertEquals(4, b.getInt());
        b.position(b.position() + 4);
        assertEquals(2, b.getInt()); // argv count
        b.position(b.position() + 4 + 2 + 4 + 2);
        assertEquals(1, b.getInt()); // env count
        assertEquals(4, b.getInt()); // "A=é" is 4 bytes of UTF-8
    }

    @Test
    void rejectsNulWithTheLabel() {
        LaunchPlan plan = LaunchPlan.builder(LaunchPlan.Mode.DETACH)
                .add(new Op.SetHostname("a\0b"), "hostname").build();
        var e = assertThrows(IllegalArgumentException.class, plan::encode);
        assertTrue(e.getMessage().startsWith("hostname: name "), e.getMessage());
    }

    @Test
    void opsPrintFlagsByNameAndModesInOctal() {
        assertEquals("Clone[flags=CLONE_NEWNS|CLONE_NEWPID|0x1]", OpText.describe(new Op.Clone(0x20000 | 0x20000000 | 1)));
        assertEquals("MkdirAll[root=\"/r\", path=\"/a\", mode=0755]", OpText.describe(new Op.MkdirAll("/r", "/a", 0755)));
        assertEquals("Seccomp[bpf=<16 bytes>, flags=0]", OpText.describe(new Op.Seccomp(new byte[16], 0)));
        assertEquals("JoinSessionKeyring[name=\"_ses.web\", permMask=0xffffffff, permSet=0x80000]",
                OpText.describe(new Op.JoinSessionKeyring("_ses.web", 0xffffffff, 0x80000)));
        assertEquals("Exec[file=\"sh\", searchPath=\"/bin\", argv=[\"sh\", \"-c\"], env=[]]",
                OpText.describe(new Op.Exec("sh", "/bin", List.of("sh", "-c"), List.of())));
    }

    @Test
    void fifoComesFromWaitStart() {
        LaunchPlan plan = LaunchPlan.builder(LaunchPlan.Mode.DETACH)
                .add(new Op.Clone(0), "linux.namespaces")
                .add(new Op.WaitStart("/run/vessel/x/exec.fifo"), "start").build();
        assertEquals(Path.of("/run/vessel/x/exec.fifo"), plan.fifo().orElseThrow());
    }
}
