package dev.vessel.vmm.machine;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes a flattened device tree blob (devicetree specification v0.4, format version 17): a
 * header, an empty memory reservation block, the structure block of nodes and properties and
 * the strings block of property names. Nodes are opened and closed in order; values are
 * big-endian cells as the format requires.
 */
public final class DeviceTree {

    private static final int MAGIC = 0xd00dfeed;
    private static final int BEGIN_NODE = 1, END_NODE = 2, PROP = 3, END = 9;

    private final ByteArrayOutputStream struct = new ByteArrayOutputStream();
    private final ByteArrayOutputStream strings = new ByteArrayOutputStream();
    private final Map<String, Integer> stringOffsets = new HashMap<>();
    private int depth;

    public DeviceTree beginNode(String name) {
        token(BEGIN_NODE);
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        struct.writeBytes(n);
        struct.write(0);
        pad();
        depth++;
        return this;
    }

    public DeviceTree endNode() {
        if (depth == 0) {
            throw new IllegalStateException("endNode without an open node");
        }
        token(END_NODE);
        depth--;
        return this;
    }

    public DeviceTree property(String name, byte[] value) {
        token(PROP);
        token(value.length);
        token(stringOffset(name));
        struct.writeBytes(value);
        pad();
        return this;
    }

    public DeviceTree empty(String name) {
        return property(name, new byte[0]);
    }

    public DeviceTree u32(String name, int... cells) {
        ByteBuffer b = ByteBuffer.allocate(cells.length * 4);
        for (int c : cells) {
            b.putInt(c);
        }
        return property(name, b.array());
    }

    public DeviceTree u64(String name, long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8);
        for (long v : values) {
            b.putLong(v);
        }
        return property(name, b.array());
    }

    /** One or more strings, each NUL-terminated (a string list when several). */
    public DeviceTree string(String name, String... values) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (String v : values) {
            b.writeBytes(v.getBytes(StandardCharsets.UTF_8));
            b.write(0);
        }
        return property(name, b.toByteArray());
    }

    /** The blob; all nodes must be closed. */
    public byte[] build(int bootCpu) {
        if (depth != 0) {
            throw new IllegalStateException(depth + " device tree node(s) left open");
        }
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        s.writeBytes(struct.toByteArray());
        s.writeBytes(ByteBuffer.allocate(4).putInt(END).array());
        byte[] structBytes = s.toByteArray();
        byte[] stringBytes = strings.toByteArray();
        int headerSize = 40;
        int rsvOffset = headerSize;           // 8-aligned already
        int structOffset = rsvOffset + 16;    // one terminating {0, 0} entry
        int stringsOffset = structOffset + structBytes.length;
        int total = stringsOffset + stringBytes.length;
        ByteBuffer b = ByteBuffer.allocate((total + 7) & ~7);
        b.putInt(MAGIC).putInt(b.capacity()).putInt(structOffset).putInt(stringsOffset).putInt(rsvOffset)
                .putInt(17).putInt(16).putInt(bootCpu).putInt(stringBytes.length).putInt(structBytes.length);
        b.putLong(0).putLong(0);
        b.put(structBytes).put(stringBytes);
        return b.array();
    }

    private int stringOffset(String name) {
        return stringOffsets.computeIfAbsent(name, n -> {
            int off = strings.size();
            strings.writeBytes(n.getBytes(StandardCharsets.US_ASCII));
            strings.write(0);
            return off;
        });
    }

    private void token(int v) {
        struct.writeBytes(ByteBuffer.allocate(4).putInt(v).array());
    }

    private void pad() {
        while (struct.size() % 4 != 0) {
            struct.write(0);
        }
    }
}
