package dev.vessel.vmm.cpu.riscv;

/**
 * A synchronous exception raised while executing one instruction. It unwinds to the hart's run
 * loop, which enters the trap handler. One instance per hart is reused: raising it allocates
 * nothing and it carries no stack trace, because page faults are part of normal guest operation.
 */
final class Trap extends RuntimeException {

    static final int INSN_MISALIGNED = 0;
    static final int INSN_ACCESS = 1;
    static final int ILLEGAL_INSN = 2;
    static final int BREAKPOINT = 3;
    static final int LOAD_MISALIGNED = 4;
    static final int LOAD_ACCESS = 5;
    static final int STORE_MISALIGNED = 6;
    static final int STORE_ACCESS = 7;
    static final int ECALL_U = 8;
    static final int ECALL_S = 9;
    static final int ECALL_M = 11;
    static final int INSN_PAGE_FAULT = 12;
    static final int LOAD_PAGE_FAULT = 13;
    static final int STORE_PAGE_FAULT = 15;

    int cause;
    long tval;

    Trap() {
        super(null, null, false, false);
    }

    Trap set(int cause, long tval) {
        this.cause = cause;
        this.tval = tval;
        return this;
    }
}
