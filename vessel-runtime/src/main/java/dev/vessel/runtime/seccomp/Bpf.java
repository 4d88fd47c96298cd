package dev.vessel.runtime.seccomp;

/**
 * Classic BPF as seccomp runs it: the few opcodes a filter needs and the offsets of
 * {@code struct seccomp_data} ({@code int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6]}).
 */
public final class Bpf {

    /** BPF_LD | BPF_W | BPF_ABS: A = 32-bit word of seccomp_data at k. */
    public static final int LD_W_ABS = 0x20;
    /** BPF_ALU | BPF_AND | BPF_K: A &= k. */
    public static final int AND_K = 0x54;
    /** BPF_JMP | BPF_JA: pc += k (32-bit offset, the only way to jump further than 255). */
    public static final int JA = 0x05;
    public static final int JEQ_K = 0x15;
    public static final int JGT_K = 0x25;
    public static final int JGE_K = 0x35;
    public static final int JSET_K = 0x45;
    /** BPF_RET | BPF_K: return k as the seccomp action. */
    public static final int RET_K = 0x06;

    /** Bytes of one {@code struct sock_filter} (u16 code, u8 jt, u8 jf, u32 k). */
    public static final int INSN_SIZE = 8;
    /** BPF_MAXINSNS: the kernel refuses longer programs. */
    public static final int MAX_INSNS = 4096;

    public static final int OFF_NR = 0;
    public static final int OFF_ARCH = 4;

    /** Offset of the low 32 bits of args[index] (x86 is little-endian: low word first). */
    public static int argLow(int index) {
        return 16 + 8 * index;
    }

    public static int argHigh(int index) {
        return 16 + 8 * index + 4;
    }

    private Bpf() {}
}
