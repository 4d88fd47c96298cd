package dev.vessel.runtime.seccomp;

import dev.vessel.runtime.RuntimeError;
import dev.vessel.runtime.seccomp.BpfAssembler.Label;
import dev.vessel.runtime.spec.Seccomp;
import dev.vessel.runtime.spec.SeccompNames;

/**
 * BPF for one argument condition. Classic BPF sees 32 bits at a time, so a 64-bit unsigned
 * comparison is decided on the high words first and looks at the low words only when the high
 * words are equal, as libseccomp does. ABIs with 32-bit registers (i386, x32) compare the low
 * word only, also as libseccomp does.
 */
record ArgComparison(int index, Op op, long value, long valueTwo) {

    enum Op { NE, LT, LE, EQ, GE, GT, MASKED_EQ }

    static ArgComparison of(Seccomp.Arg a, String path) {
        if (a == null) {
            throw new RuntimeError(path + " is null; remove it");
        }
        if (a.index() < 0 || a.index() >= SeccompNames.MAX_ARGS) {
            throw new RuntimeError(path + ".index " + a.index() + " is not a syscall argument: use 0..5");
        }
        Op op = switch (a.op() == null ? "" : a.op()) {
            case "SCMP_CMP_NE" -> Op.NE;
            case "SCMP_CMP_LT" -> Op.LT;
            case "SCMP_CMP_LE" -> Op.LE;
            case "SCMP_CMP_EQ" -> Op.EQ;
            case "SCMP_CMP_GE" -> Op.GE;
            case "SCMP_CMP_GT" -> Op.GT;
            case "SCMP_CMP_MASKED_EQ" -> Op.MASKED_EQ;
            default -> throw new RuntimeError(path + ".op " + (a.op() == null ? "is missing" : "\"" + a.op() + "\" is not an operator")
                    + ": use " + String.join(", ", SeccompNames.OPERATORS));
        };
        return new ArgComparison((int) a.index(), op, a.value(), a.valueTwo());
    }

    /** Falls through when the condition holds, jumps to {@code fail} when it does not. Clobbers A. */
    void emit(BpfAssembler asm, boolean args32, Label fail) {
        Label ok = asm.label();
        if (!args32) {
            high(asm, fail, ok);
        }
        low(asm, fail, ok);
        asm.bind(ok);
    }

    /** The high-word part: decides the outcome unless the high words are equal, then falls through. */
    private void high(BpfAssembler asm, Label fail, Label ok) {
        asm.load(Bpf.argHigh(index));
        // For MASKED_EQ value is the mask and valueTwo the expected bits (runtime-spec, libseccomp).
        int hi = (int) ((op == Op.MASKED_EQ ? valueTwo : value) >>> 32);
        switch (op) {
            case EQ -> asm.jump(Bpf.JEQ_K, hi, null, fail);
            case NE -> asm.jump(Bpf.JEQ_K, hi, null, ok);
            case GT, GE -> {
                asm.jump(Bpf.JGT_K, hi, ok, null);
                asm.jump(Bpf.JEQ_K, hi, null, fail);
            }
            case LT, LE -> {
                asm.jump(Bpf.JGT_K, hi, fail, null);
                asm.jump(Bpf.JEQ_K, hi, null, ok);
            }
            case MASKED_EQ -> {
                asm.and((int) (value >>> 32));
                asm.jump(Bpf.JEQ_K, hi, null, fail);
            }
        }
    }

    /** The low-word part: always decides. */
    private void low(BpfAssembler asm, Label fail, Label ok) {
        asm.load(Bpf.argLow(index));
        int lo = (int) (op == Op.MASKED_EQ ? valueTwo : value);
        switch (op) {
            case EQ -> asm.jump(Bpf.JEQ_K, lo, ok, fail);
            case NE -> asm.jump(Bpf.JEQ_K, lo, fail, ok);
            case GT -> asm.jump(Bpf.JGT_K, lo, ok, fail);
            case GE -> asm.jump(Bpf.JGE_K, lo, ok, fail);
            case LT -> asm.jump(Bpf.JGE_K, lo, fail, ok);
            case LE -> asm.jump(Bpf.JGT_K, lo, fail, ok);
            case MASKED_EQ -> {
                asm.and((int) value);
                asm.jump(Bpf.JEQ_K, lo, ok, fail);
            }
        }
    }
}
