package dev.vessel.runtime.seccomp;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Classic BPF as the kernel runs a seccomp filter, for the opcodes the compiler may emit: it
 * refuses what the kernel's checker refuses (unknown opcodes, unaligned or out-of-range loads,
 * jumps past the end, falling off the end) so a program that passes here also loads.
 */
final class BpfInterpreter {

    static final int AUDIT_ARCH_X86_64 = 0xC000003E, AUDIT_ARCH_I386 = 0x40000003, AUDIT_ARCH_AARCH64 = 0xC00000B7;

    /** struct seccomp_data. */
    record Data(int nr, int arch, long... args) {
        static Data x86_64(int nr, long... args) {
            return new Data(nr, AUDIT_ARCH_X86_64, args);
        }

        int word(int offset) {
            ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(nr).putInt(arch).putLong(0x401000L);
            for (int i = 0; i < 6; i++) {
                b.putLong(i < args.length ? args[i] : 0);
            }
            return b.getInt(offset);
        }
    }

    /** The number of instructions executed by the last run (to see that jumps skip work). */
    int steps;

    int run(byte[] program, Data in) {
        if (program.length % 8 != 0 || program.length == 0 || program.length / 8 > Bpf.MAX_INSNS) {
            throw new IllegalArgumentException("bad program length " + program.length);
        }
        ByteBuffer p = ByteBuffer.wrap(program).order(ByteOrder.LITTLE_ENDIAN);
        int n = program.length / 8;
        int a = 0;
        int pc = 0;
        steps = 0;
        while (true) {
            if (pc >= n) {
                throw new IllegalStateException("fell off the end of the program");
            }
            int code = p.getShort(pc * 8) & 0xffff;
            int jt = p.get(pc * 8 + 2) & 0xff;
            int jf = p.get(pc * 8 + 3) & 0xff;
            int k = p.getInt(pc * 8 + 4);
            steps++;
            pc++;
            switch (code) {
                case Bpf.LD_W_ABS -> {
                    if (k < 0 || k > 60 || k % 4 != 0) {
                        throw new IllegalStateException("bad load offset " + k);
                    }
                    a = in.word(k);
                }
                case Bpf.AND_K -> a &= k;
                case Bpf.JA -> pc += checkJump(pc, k, n);
                case Bpf.JEQ_K -> pc += checkJump(pc, a == k ? jt : jf, n);
                case Bpf.JGT_K -> pc += checkJump(pc, Integer.compareUnsigned(a, k) > 0 ? jt : jf, n);
                case Bpf.JGE_K -> pc += checkJump(pc, Integer.compareUnsigned(a, k) >= 0 ? jt : jf, n);
                case Bpf.JSET_K -> pc += checkJump(pc, (a & k) != 0 ? jt : jf, n);
                case Bpf.RET_K -> {
                    return k;
                }
                default -> throw new IllegalStateException("opcode 0x" + Integer.toHexString(code) + " at " + (pc - 1));
            }
        }
    }

    private static int checkJump(int pc, int off, int n) {
        if (off < 0 || pc + off >= n) {
            throw new IllegalStateException("jump out of the program at " + (pc - 1));
        }
        return off;
    }
}
