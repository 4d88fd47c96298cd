package dev.vessel.runtime.seccomp;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a classic BPF program with symbolic forward labels. Conditional jumps carry 8-bit
 * offsets, so a target further than 255 instructions is reached through a {@code JA}
 * (32-bit offset) placed right after the jump. Which jumps need one depends on the layout,
 * which depends on the trampolines: layout is recomputed until no new trampoline is needed
 * (trampolines only lengthen the program, so this ends).
 */
final class BpfAssembler {

    /** A position in the program, bound once, always after every jump to it (BPF only jumps forward). */
    static final class Label {
        private int pos = -1;
    }

    private sealed interface Item {}

    private record Plain(int code, int k) implements Item {}

    private record Goto(Label to) implements Item {}

    private record Bind(Label label) implements Item {}

    /** A null target means the next instruction after this jump (and its trampolines). */
    private static final class Jump implements Item {
        final int code, k;
        final Label onTrue, onFalse;
        boolean farTrue, farFalse;

        Jump(int code, int k, Label onTrue, Label onFalse) {
            this.code = code;
            this.k = k;
            this.onTrue = onTrue;
            this.onFalse = onFalse;
        }

        int size() {
            return 1 + (farTrue ? 1 : 0) + (farFalse ? 1 : 0);
        }
    }

    private final List<Item> items = new ArrayList<>();

    Label label() {
        return new Label();
    }

    void bind(Label l) {
        items.add(new Bind(l));
    }

    void load(int offset) {
        items.add(new Plain(Bpf.LD_W_ABS, offset));
    }

    void and(int mask) {
        items.add(new Plain(Bpf.AND_K, mask));
    }

    void ret(int action) {
        items.add(new Plain(Bpf.RET_K, action));
    }

    void jumpTo(Label l) {
        items.add(new Goto(l));
    }

    /** if (A op k) goto onTrue else goto onFalse; null for either means "fall through". */
    void jump(int code, int k, Label onTrue, Label onFalse) {
        items.add(new Jump(code, k, onTrue, onFalse));
    }

    /** The program as an array of little-endian {@code struct sock_filter}. */
    byte[] assemble() {
        int length;
        boolean changed;
        do {
            length = layout();
            changed = false;
            int pc = 0;
            for (Item it : items) {
                switch (it) {
                    case Bind b -> { }
                    case Jump j -> {
                        // Label positions are those of this pass's layout: measure with this pass's size.
                        int size = j.size();
                        boolean farTrue = !j.farTrue && offset(j.onTrue, pc, size) > 255;
                        boolean farFalse = !j.farFalse && offset(j.onFalse, pc, size) > 255;
                        j.farTrue |= farTrue;
                        j.farFalse |= farFalse;
                        changed |= farTrue || farFalse;
                        pc += size;
                    }
                    default -> pc++;
                }
            }
        } while (changed);
        ByteBuffer out = ByteBuffer.allocate(length * Bpf.INSN_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        int pc = 0;
        for (Item it : items) {
            switch (it) {
                case Bind b -> { }
                case Plain p -> {
                    put(out, p.code(), 0, 0, p.k());
                    pc++;
                }
                case Goto g -> {
                    put(out, Bpf.JA, 0, 0, target(g.to(), pc + 1) - (pc + 1));
                    pc++;
                }
                case Jump j -> {
                    int next = pc + j.size();
                    int t = j.onTrue == null ? next : target(j.onTrue, next);
                    int f = j.onFalse == null ? next : target(j.onFalse, next);
                    // Trampolines sit at pc+1 (true, if far) and after it (false, if far).
                    int tramp = pc + 1;
                    int jt = j.farTrue ? tramp++ - (pc + 1) : t - (pc + 1);
                    int jf = j.farFalse ? tramp - (pc + 1) : f - (pc + 1);
                    put(out, j.code, jt, jf, j.k);
                    if (j.farTrue) {
                        put(out, Bpf.JA, 0, 0, t - (pc + 2));
                    }
                    if (j.farFalse) {
                        int at = pc + (j.farTrue ? 2 : 1);
                        put(out, Bpf.JA, 0, 0, f - (at + 1));
                    }
                    pc = next;
                }
            }
        }
        return out.array();
    }

    /** Binds label positions for the current trampoline choice; returns the program length. */
    private int layout() {
        int pc = 0;
        for (Item it : items) {
            switch (it) {
                case Bind b -> b.label().pos = pc;
                case Jump j -> pc += j.size();
                default -> pc++;
            }
        }
        return pc;
    }

    private static int offset(Label l, int pc, int size) {
        return l == null ? 0 : target(l, pc + size) - (pc + 1);
    }

    private static int target(Label l, int notBefore) {
        if (l.pos < 0) {
            throw new IllegalStateException("BPF label never bound");
        }
        if (l.pos < notBefore) {
            throw new IllegalStateException("BPF jumps only forward: label at " + l.pos + ", jump ends at " + notBefore);
        }
        return l.pos;
    }

    private static void put(ByteBuffer out, int code, int jt, int jf, int k) {
        if (jt > 255 || jf > 255 || jt < 0 || jf < 0) {
            throw new IllegalStateException("BPF conditional offset out of range: " + jt + "/" + jf);
        }
        out.putShort((short) code).put((byte) jt).put((byte) jf).putInt(k);
    }
}
