package dev.vessel.vmm.cpu.riscv;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * The A extension on guest RAM, atomic across harts (threads) through var handles on the RAM
 * segment. SC succeeds when the word still holds the value LR read (a compare-and-swap), the
 * scheme QEMU also uses: a store by another hart that changes the word fails the SC; one that
 * writes the same value back does not, which no LR/SC loop can observe as wrong.
 */
final class AtomicOps {

    private AtomicOps() {
    }

    static void execute(Hart h, int insn, long next) {
        int f3 = (insn >>> 12) & 7;
        if (f3 != 2 && f3 != 3) {
            throw h.illegal();
        }
        boolean word = f3 == 2;
        int rd = (insn >>> 7) & 31;
        long va = h.x[(insn >>> 15) & 31];
        long src = h.x[(insn >>> 20) & 31];
        int op = insn >>> 27;
        MemorySegment ram = h.mmu.ram;
        long result;
        if (op == 2) { // LR
            if (((insn >>> 20) & 31) != 0) {
                throw h.illegal();
            }
            long a = h.mmu.atomicAddr(va, word ? 4 : 8, true);
            result = word ? (int) Mmu.ATOMIC_INT.getVolatile(ram, a) : (long) Mmu.ATOMIC_LONG.getVolatile(ram, a);
            h.reservation = a;
            h.reservationValue = result;
        } else if (op == 3) { // SC
            long a = h.mmu.atomicAddr(va, word ? 4 : 8, false);
            boolean ok = h.reservation == a && (word
                    ? Mmu.ATOMIC_INT.compareAndSet(ram, a, (int) h.reservationValue, (int) src)
                    : Mmu.ATOMIC_LONG.compareAndSet(ram, a, h.reservationValue, src));
            h.reservation = -1;
            result = ok ? 0 : 1;
        } else {
            long a = h.mmu.atomicAddr(va, word ? 4 : 8, false);
            result = word ? amo32(h, op, ram, a, (int) src) : amo64(h, op, ram, a, src);
        }
        if (rd != 0) {
            h.x[rd] = result;
        }
        h.pc = next;
    }

    private static long amo64(Hart h, int op, MemorySegment ram, long a, long v) {
        VarHandle m = Mmu.ATOMIC_LONG;
        switch (op) {
            case 0x01: return (long) m.getAndSet(ram, a, v);
            case 0x00: return (long) m.getAndAdd(ram, a, v);
            case 0x04: return (long) m.getAndBitwiseXor(ram, a, v);
            case 0x0c: return (long) m.getAndBitwiseAnd(ram, a, v);
            case 0x08: return (long) m.getAndBitwiseOr(ram, a, v);
            case 0x10, 0x14, 0x18, 0x1c: {
                long old;
                do {
                    old = (long) m.getVolatile(ram, a);
                } while (!m.compareAndSet(ram, a, old, minMax(op, old, v)));
                return old;
            }
            default: throw h.illegal();
        }
    }

    private static long amo32(Hart h, int op, MemorySegment ram, long a, int v) {
        VarHandle m = Mmu.ATOMIC_INT;
        switch (op) {
            case 0x01: return (int) m.getAndSet(ram, a, v);
            case 0x00: return (int) m.getAndAdd(ram, a, v);
            case 0x04: return (int) m.getAndBitwiseXor(ram, a, v);
            case 0x0c: return (int) m.getAndBitwiseAnd(ram, a, v);
            case 0x08: return (int) m.getAndBitwiseOr(ram, a, v);
            case 0x10, 0x14, 0x18, 0x1c: {
                int old;
                do {
                    old = (int) m.getVolatile(ram, a);
                } while (!m.compareAndSet(ram, a, old, (int) minMax32(op, old, v)));
                return old;
            }
            default: throw h.illegal();
        }
    }

    private static long minMax(int op, long a, long b) {
        return switch (op) {
            case 0x10 -> Math.min(a, b);
            case 0x14 -> Math.max(a, b);
            case 0x18 -> Long.compareUnsigned(a, b) <= 0 ? a : b;
            default -> Long.compareUnsigned(a, b) >= 0 ? a : b;
        };
    }

    private static int minMax32(int op, int a, int b) {
        return switch (op) {
            case 0x10 -> Math.min(a, b);
            case 0x14 -> Math.max(a, b);
            case 0x18 -> Integer.compareUnsigned(a, b) <= 0 ? a : b;
            default -> Integer.compareUnsigned(a, b) >= 0 ? a : b;
        };
    }
}
