package dev.vessel.vmm.cpu.riscv;

/**
 * RV64I register/immediate arithmetic and the M extension. Division follows the ISA, not Java:
 * dividing by zero gives all ones (quotient) or the dividend (remainder), never an exception;
 * the one overflowing case (MIN / -1) gives MIN and remainder 0, which Java already does.
 */
final class IntegerOps {

    private IntegerOps() {
    }

    static long opImm(Hart h, int insn, long a) {
        long imm = insn >> 20;
        return switch ((insn >>> 12) & 7) {
            case 0 -> a + imm;
            case 1 -> {
                if ((insn >>> 26) != 0) {
                    throw h.illegal();
                }
                yield a << (imm & 63);
            }
            case 2 -> a < imm ? 1 : 0;
            case 3 -> Long.compareUnsigned(a, imm) < 0 ? 1 : 0;
            case 4 -> a ^ imm;
            case 5 -> switch (insn >>> 26) {
                case 0 -> a >>> (imm & 63);
                case 0x10 -> a >> (imm & 63);
                default -> throw h.illegal();
            };
            case 6 -> a | imm;
            default -> a & imm;
        };
    }

    static long opImm32(Hart h, int insn, long a) {
        int v = (int) a;
        int imm = insn >> 20;
        int shamt = imm & 31;
        return switch ((insn >>> 12) & 7) {
            case 0 -> v + imm;
            case 1 -> {
                if ((insn >>> 25) != 0) {
                    throw h.illegal();
                }
                yield v << shamt;
            }
            case 5 -> switch (insn >>> 25) {
                case 0 -> v >>> shamt;
                case 0x20 -> v >> shamt;
                default -> throw h.illegal();
            };
            default -> throw h.illegal();
        };
    }

    static long op(Hart h, int insn, long a, long b) {
        int f3 = (insn >>> 12) & 7;
        return switch (insn >>> 25) {
            case 0 -> switch (f3) {
                case 0 -> a + b;
                case 1 -> a << b;
                case 2 -> a < b ? 1 : 0;
                case 3 -> Long.compareUnsigned(a, b) < 0 ? 1 : 0;
                case 4 -> a ^ b;
                case 5 -> a >>> b;
                case 6 -> a | b;
                default -> a & b;
            };
            case 0x20 -> switch (f3) {
                case 0 -> a - b;
                case 5 -> a >> b;
                default -> throw h.illegal();
            };
            case 1 -> multiplyDivide(f3, a, b);
            default -> throw h.illegal();
        };
    }

    private static long multiplyDivide(int f3, long a, long b) {
        return switch (f3) {
            case 0 -> a * b;
            case 1 -> Math.multiplyHigh(a, b);
            case 2 -> Math.multiplyHigh(a, b) + ((b >> 63) & a); // a signed, b unsigned
            case 3 -> Math.unsignedMultiplyHigh(a, b);
            case 4 -> b == 0 ? -1 : a / b;
            case 5 -> b == 0 ? -1 : Long.divideUnsigned(a, b);
            case 6 -> b == 0 ? a : a % b;
            default -> b == 0 ? a : Long.remainderUnsigned(a, b);
        };
    }

    static long op32(Hart h, int insn, long a64, long b64) {
        int a = (int) a64;
        int b = (int) b64;
        int f3 = (insn >>> 12) & 7;
        return switch (insn >>> 25) {
            case 0 -> switch (f3) {
                case 0 -> a + b;
                case 1 -> a << b;
                case 5 -> a >>> b;
                default -> throw h.illegal();
            };
            case 0x20 -> switch (f3) {
                case 0 -> a - b;
                case 5 -> a >> b;
                default -> throw h.illegal();
            };
            case 1 -> switch (f3) {
                case 0 -> a * b;
                case 4 -> b == 0 ? -1 : a / b;
                case 5 -> b == 0 ? -1 : Integer.divideUnsigned(a, b);
                case 6 -> b == 0 ? a : a % b;
                case 7 -> b == 0 ? a : Integer.remainderUnsigned(a, b);
                default -> throw h.illegal();
            };
            default -> throw h.illegal();
        };
    }

    static boolean branch(Hart h, int insn, long a, long b) {
        return switch ((insn >>> 12) & 7) {
            case 0 -> a == b;
            case 1 -> a != b;
            case 4 -> a < b;
            case 5 -> a >= b;
            case 6 -> Long.compareUnsigned(a, b) < 0;
            case 7 -> Long.compareUnsigned(a, b) >= 0;
            default -> throw h.illegal();
        };
    }
}
