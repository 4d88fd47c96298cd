package dev.vessel.vmm.cpu.riscv;

/**
 * How a hart enters trap handlers and returns from them: interrupt selection (priority,
 * global enables, delegation), the xstatus stack on entry, vectored tvec, MRET and SRET.
 */
final class TrapEntry {

    private static final int[] PRIORITY = {Csrs.MEI, Csrs.MSI, Csrs.MTI, Csrs.SEI, Csrs.SSI, Csrs.STI};

    private TrapEntry() {
    }

    /** Takes the highest-priority pending and enabled interrupt, if any; true when one was taken. */
    static boolean takeInterrupt(Hart h) {
        long pending = h.csr.mip.get() & h.csr.mie;
        if (pending == 0) {
            return false;
        }
        long machine = pending & ~h.csr.mideleg;
        long supervisor = pending & h.csr.mideleg;
        long take = (h.priv < 3 || (h.csr.mstatus & Csrs.MIE) != 0) ? machine : 0;
        boolean toS = false;
        if (take == 0 && (h.priv == 0 || (h.priv == 1 && (h.csr.mstatus & Csrs.SIE) != 0))) {
            take = supervisor;
            toS = true;
        }
        if (take == 0) {
            return false;
        }
        int cause = highestPriority(take);
        enter(h, cause, 0, toS, true);
        return true;
    }

    private static int highestPriority(long bits) {
        for (int cause : PRIORITY) {
            if ((bits & (1L << cause)) != 0) {
                return cause;
            }
        }
        return Integer.numberOfTrailingZeros((int) bits);
    }

    /** Enters the S- or M-mode handler: cause, epc and tval registers, status stack, privilege, vector. */
    static void enter(Hart h, int cause, long tval, boolean toS, boolean interrupt) {
        long code = interrupt ? (cause | Long.MIN_VALUE) : cause;
        long s = h.csr.mstatus;
        if (toS) {
            h.csr.scause = code;
            h.csr.sepc = h.pc;
            h.csr.stval = tval;
            s = (s & ~(Csrs.SPIE | Csrs.SPP | Csrs.SIE)) | ((s & Csrs.SIE) != 0 ? Csrs.SPIE : 0) | (h.priv == 1 ? Csrs.SPP : 0);
            h.priv = 1;
            h.pc = vector(h.csr.stvec, cause, interrupt);
        } else {
            if (h.host.firmwareless()) {
                h.host.fatal(h, String.format("unhandled trap to M-mode: cause %d%s tval 0x%x at pc 0x%x",
                        cause, interrupt ? " (interrupt)" : "", tval, h.pc), null);
                h.stopRequested = true;
                return;
            }
            h.csr.mcause = code;
            h.csr.mepc = h.pc;
            h.csr.mtval = tval;
            s = (s & ~(Csrs.MPIE | Csrs.MPP | Csrs.MIE)) | ((s & Csrs.MIE) != 0 ? Csrs.MPIE : 0) | ((long) h.priv << 11);
            h.priv = 3;
            h.pc = vector(h.csr.mtvec, cause, interrupt);
        }
        h.csr.mstatus = s;
        h.reservation = -1;
        h.contextChanged();
        h.breakBlock = true;
    }

    private static long vector(long tvec, int cause, boolean interrupt) {
        long base = tvec & ~3L;
        return (interrupt && (tvec & 1) != 0) ? base + 4L * cause : base;
    }

    static void mret(Hart h) {
        long s = h.csr.mstatus;
        int target = (int) ((s >>> 11) & 3);
        s = (s & ~(Csrs.MIE | Csrs.MPP)) | ((s & Csrs.MPIE) != 0 ? Csrs.MIE : 0) | Csrs.MPIE;
        if (target != 3) {
            s &= ~Csrs.MPRV;
        }
        h.csr.mstatus = s;
        h.priv = target;
        h.pc = h.csr.mepc;
        h.contextChanged();
        h.breakBlock = true;
    }

    static void sret(Hart h) {
        long s = h.csr.mstatus;
        int target = (s & Csrs.SPP) != 0 ? 1 : 0;
        s = (s & ~(Csrs.SIE | Csrs.SPP | Csrs.MPRV)) | ((s & Csrs.SPIE) != 0 ? Csrs.SIE : 0) | Csrs.SPIE;
        h.csr.mstatus = s;
        h.priv = target;
        h.pc = h.csr.sepc;
        h.contextChanged();
        h.breakBlock = true;
    }
}
