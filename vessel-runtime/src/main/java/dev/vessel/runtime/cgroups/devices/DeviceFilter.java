package dev.vessel.runtime.cgroups.devices;

import dev.vessel.runtime.cgroups.CgroupException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Compiles device rules to an eBPF program for {@code BPF_PROG_TYPE_CGROUP_DEVICE} (the job of
 * runc's {@code devicefilter}). The kernel calls it with a {@code struct bpf_cgroup_dev_ctx
 * {u32 access_type; u32 major; u32 minor;}}, {@code access_type} being {@code (access << 16) |
 * type}; it returns 1 to allow, 0 to deny.
 *
 * <p>Semantics are those of the v1 list: the last rule covering every device ("a *:* rwm")
 * sets the default, and later rules win over earlier ones, so rules after it are emitted last
 * first and the first match returns. An allow rule matches when it grants every requested
 * access; a deny rule when it refuses any of them. (Unlike the v1 kernel list, two allow rules
 * for the same device are not merged: "c 1:3 r" plus "c 1:3 w" does not allow an O_RDWR open.)
 */
public final class DeviceFilter {
    private DeviceFilter() {}

    // struct bpf_insn opcodes (linux/bpf.h, bpf_common.h).
    static final byte LDX_MEM_W = 0x61;    // BPF_LDX | BPF_MEM | BPF_W
    static final byte ALU32_AND_K = 0x54;  // BPF_ALU | BPF_AND | BPF_K
    static final byte ALU32_RSH_K = 0x74;  // BPF_ALU | BPF_RSH | BPF_K
    static final byte ALU32_MOV_X = (byte) 0xbc; // BPF_ALU | BPF_MOV | BPF_X
    static final byte ALU32_MOV_K = (byte) 0xb4; // BPF_ALU | BPF_MOV | BPF_K
    static final byte JNE_K = 0x55;        // BPF_JMP | BPF_JNE | BPF_K
    static final byte JEQ_K = 0x15;        // BPF_JMP | BPF_JEQ | BPF_K
    static final byte JNE_X = 0x5d;        // BPF_JMP | BPF_JNE | BPF_X
    static final byte EXIT = (byte) 0x95;  // BPF_JMP | BPF_EXIT

    // linux/bpf.h: BPF_DEVCG_DEV_*, BPF_DEVCG_ACC_*.
    static final int DEV_BLOCK = 1;
    static final int DEV_CHAR = 2;
    static final int ACC_MKNOD = 1;
    static final int ACC_READ = 2;
    static final int ACC_WRITE = 4;

    // Registers: r1 ctx (reused as scratch once read), r2 type, r3 access, r4 major, r5 minor.
    private static final int R0 = 0, R1 = 1, R2 = 2, R3 = 3, R4 = 4, R5 = 5;

    /** One instruction; {@link #encode} lays them out as the kernel's 8-byte struct bpf_insn. */
    public record Insn(byte code, int dst, int src, short off, int imm) {}

    /** The program's instructions for {@code rules} (as from {@link DevicePermission#effective}). */
    public static List<Insn> compile(List<DevicePermission> rules) {
        int start = 0;
        boolean defaultAllow = false;
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i).coversAll()) {
                start = i + 1;
                defaultAllow = rules.get(i).allow();
            }
        }
        List<Insn> p = new ArrayList<>();
        p.add(new Insn(LDX_MEM_W, R2, R1, (short) 0, 0));
        p.add(new Insn(ALU32_AND_K, R2, 0, (short) 0, 0xFFFF));
        p.add(new Insn(LDX_MEM_W, R3, R1, (short) 0, 0));
        p.add(new Insn(ALU32_RSH_K, R3, 0, (short) 0, 16));
        p.add(new Insn(LDX_MEM_W, R4, R1, (short) 4, 0));
        p.add(new Insn(LDX_MEM_W, R5, R1, (short) 8, 0));
        for (int i = rules.size() - 1; i >= start; i--) {
            p.addAll(block(rules.get(i)));
        }
        p.add(new Insn(ALU32_MOV_K, R0, 0, (short) 0, defaultAllow ? 1 : 0));
        p.add(new Insn(EXIT, 0, 0, (short) 0, 0));
        return p;
    }

    /** Tests of one rule, each jumping past the block on mismatch, then "return allow". */
    private static List<Insn> block(DevicePermission r) {
        List<Insn> out = new ArrayList<>();
        if (r.type() != 'a') {
            out.add(new Insn(JNE_K, R2, 0, (short) 0, r.type() == 'b' ? DEV_BLOCK : DEV_CHAR));
        }
        int mask = access(r.access());
        if (mask != (ACC_MKNOD | ACC_READ | ACC_WRITE)) {
            out.add(new Insn(ALU32_MOV_X, R1, R3, (short) 0, 0));
            out.add(new Insn(ALU32_AND_K, R1, 0, (short) 0, mask));
            // allow matches when (requested & mask) == requested; deny when (requested & mask) != 0.
            out.add(r.allow() ? new Insn(JNE_X, R1, R3, (short) 0, 0) : new Insn(JEQ_K, R1, 0, (short) 0, 0));
        }
        if (r.major() != DevicePermission.ANY) {
            out.add(new Insn(JNE_K, R4, 0, (short) 0, number(r.major(), "major")));
        }
        if (r.minor() != DevicePermission.ANY) {
            out.add(new Insn(JNE_K, R5, 0, (short) 0, number(r.minor(), "minor")));
        }
        out.add(new Insn(ALU32_MOV_K, R0, 0, (short) 0, r.allow() ? 1 : 0));
        out.add(new Insn(EXIT, 0, 0, (short) 0, 0));
        // Every conditional jump skips to the end of this block (offsets count from the next insn).
        for (int i = 0; i < out.size(); i++) {
            Insn in = out.get(i);
            if (in.code() == JNE_K || in.code() == JEQ_K || in.code() == JNE_X) {
                out.set(i, new Insn(in.code(), in.dst(), in.src(), (short) (out.size() - i - 1), in.imm()));
            }
        }
        return out;
    }

    private static int access(String access) {
        int m = 0;
        for (char c : access.toCharArray()) {
            m |= c == 'r' ? ACC_READ : c == 'w' ? ACC_WRITE : c == 'm' ? ACC_MKNOD : 0;
        }
        return m;
    }

    /** The immediate is a signed 32-bit compared with a zero-extended u32: keep it positive. */
    private static int number(long n, String what) {
        if (n > Integer.MAX_VALUE) {
            throw new CgroupException("device " + what + " " + n + " is beyond what Linux uses (majors < 4096, "
                    + "minors < 2^20)");
        }
        return (int) n;
    }

    /** The instructions as the bytes {@code BPF_PROG_LOAD} takes (host order: little-endian on x86-64/arm64). */
    public static byte[] encode(List<Insn> program) {
        ByteBuffer b = ByteBuffer.allocate(program.size() * 8).order(ByteOrder.nativeOrder());
        for (Insn in : program) {
            b.put(in.code());
            b.put((byte) ((in.src() << 4) | (in.dst() & 0x0F)));
            b.putShort(in.off());
            b.putInt(in.imm());
        }
        return b.array();
    }
}
