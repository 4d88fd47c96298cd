package dev.vessel.vmm.cpu.riscv;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The control and status registers of one hart. sstatus, sie and sip are views of the machine
 * registers, as the privileged spec defines them; mip is atomic because other threads (PLIC,
 * CLINT, SBI IPIs) raise and lower its bits while the hart runs.
 */
final class Csrs {

    static final long SIE = 1L << 1, MIE = 1L << 3, SPIE = 1L << 5, MPIE = 1L << 7, SPP = 1L << 8;
    static final long MPP = 3L << 11, FS = 3L << 13, MPRV = 1L << 17, SUM = 1L << 18, MXR = 1L << 19;
    static final long TVM = 1L << 20, TW = 1L << 21, TSR = 1L << 22;
    static final long XL64 = (2L << 32) | (2L << 34);
    static final long SD = 1L << 63;

    static final int SSI = 1, MSI = 3, STI = 5, MTI = 7, SEI = 9, MEI = 11;
    static final long S_INTERRUPTS = (1L << SSI) | (1L << STI) | (1L << SEI);
    static final long ALL_INTERRUPTS = S_INTERRUPTS | (1L << MSI) | (1L << MTI) | (1L << MEI);
    static final long STCE = 1L << 63;

    private static final long MSTATUS_WRITABLE = SIE | MIE | SPIE | MPIE | SPP | MPP | FS | MPRV | SUM | MXR | TVM | TW | TSR;
    private static final long SSTATUS_VISIBLE = SIE | SPIE | SPP | FS | SUM | MXR | (3L << 32) | SD;
    private static final long SSTATUS_WRITABLE = SIE | SPIE | SPP | FS | SUM | MXR;
    private static final long MEDELEG_WRITABLE = 0xB3FFL;
    private static final long MISA = (2L << 62) | (1 << 0) | (1 << 2) | (1 << 3) | (1 << 5) | (1 << 8) | (1 << 12) | (1 << 18) | (1 << 20);

    private final Hart hart;

    long mstatus;
    long medeleg;
    long mideleg;
    long mie;
    long mtvec;
    long stvec;
    long mepc;
    long sepc;
    long mcause;
    long scause;
    long mtval;
    long stval;
    long mscratch;
    long sscratch;
    long satp;
    long mcounteren;
    long scounteren;
    long menvcfg;
    long senvcfg;
    long stimecmp = -1L;
    /** CLINT compare register for this hart, written by the CLINT from any thread. */
    volatile long mtimecmp = Long.MAX_VALUE;
    /** Deadline armed through SBI set_timer; meaningful once {@link #sbiTimerArmed}. */
    volatile long sbiTimecmp = Long.MAX_VALUE;
    volatile boolean sbiTimerArmed;
    final AtomicLong mip = new AtomicLong();
    int frm;
    int fflags;

    Csrs(Hart hart) {
        this.hart = hart;
    }

    /** Value of {@code csr} for a read by {@code priv}, or a thrown illegal-instruction trap. */
    long read(int csr, int priv) {
        return switch (csr) {
            case 0x001 -> fflags;
            case 0x002 -> frm;
            case 0x003 -> (frm << 5) | fflags;
            case 0xC00, 0xC02 -> counter(csr, priv, hart.instret);
            case 0xC01 -> counter(csr, priv, hart.time.now());
            case 0x100 -> readMstatus() & SSTATUS_VISIBLE;
            case 0x104 -> mie & mideleg;
            case 0x105 -> stvec;
            case 0x106 -> scounteren;
            case 0x10A -> senvcfg;
            case 0x140 -> sscratch;
            case 0x141 -> sepc;
            case 0x142 -> scause;
            case 0x143 -> stval;
            case 0x144 -> readMip() & mideleg;
            case 0x14D -> checkStimecmp(priv);
            case 0x180 -> checkSatp(priv);
            case 0x300 -> readMstatus();
            case 0x301 -> MISA;
            case 0x302 -> medeleg;
            case 0x303 -> mideleg;
            case 0x304 -> mie;
            case 0x305 -> mtvec;
            case 0x306 -> mcounteren;
            case 0x30A -> menvcfg;
            case 0x340 -> mscratch;
            case 0x341 -> mepc;
            case 0x342 -> mcause;
            case 0x343 -> mtval;
            case 0x344 -> readMip();
            case 0xB00, 0xB02 -> hart.instret;
            case 0xF11, 0xF12, 0xF13, 0xF15, 0x320 -> 0;
            case 0xF14 -> hart.id;
            default -> {
                if (csr >= 0xC03 && csr <= 0xC1F) {
                    yield counter(csr, priv, 0); // hpmcounter3..31: none implemented
                }
                if (isReadZero(csr)) {
                    yield 0;
                }
                throw hart.illegal();
            }
        };
    }

    void write(int csr, long v, int priv) {
        switch (csr) {
            case 0x001 -> { fflags = (int) v & 0x1f; hart.markFpDirty(); }
            case 0x002 -> { frm = (int) v & 7; hart.markFpDirty(); }
            case 0x003 -> { fflags = (int) v & 0x1f; frm = (int) (v >>> 5) & 7; hart.markFpDirty(); }
            case 0x100 -> writeMstatus((mstatus & ~SSTATUS_WRITABLE) | (v & SSTATUS_WRITABLE));
            case 0x104 -> { mie = (mie & ~mideleg) | (v & mideleg); hart.breakBlock = true; }
            case 0x105 -> stvec = v & ~2L;
            case 0x106 -> scounteren = v & 0xffffffffL;
            case 0x10A -> senvcfg = v & 1;
            case 0x140 -> sscratch = v;
            case 0x141 -> sepc = v & ~1L;
            case 0x142 -> scause = v;
            case 0x143 -> stval = v;
            case 0x144 -> writeMipBits(mideleg & (1L << SSI), v);
            case 0x14D -> { checkStimecmp(priv); stimecmp = v; hart.breakBlock = true; }
            case 0x180 -> { checkSatp(priv); writeSatp(v); }
            case 0x300 -> writeMstatus(v);
            case 0x301, 0x320 -> { }
            case 0x302 -> medeleg = v & MEDELEG_WRITABLE;
            case 0x303 -> { mideleg = v & S_INTERRUPTS; hart.breakBlock = true; }
            case 0x304 -> { mie = v & ALL_INTERRUPTS; hart.breakBlock = true; }
            case 0x305 -> mtvec = v & ~2L;
            case 0x306 -> mcounteren = v & 0xffffffffL;
            case 0x30A -> { menvcfg = v & (STCE | 1); hart.breakBlock = true; }
            case 0x340 -> mscratch = v;
            case 0x341 -> mepc = v & ~1L;
            case 0x342 -> mcause = v;
            case 0x343 -> mtval = v;
            case 0x344 -> writeMipBits(S_INTERRUPTS & ~(stcEnabled() ? 1L << STI : 0), v);
            case 0xB00, 0xB02 -> hart.instret = v;
            default -> {
                if (!isReadZero(csr)) {
                    throw hart.illegal();
                }
            }
        }
    }

    long readMstatus() {
        long s = mstatus | XL64;
        return (s & FS) == FS ? s | SD : s;
    }

    long readMip() {
        return mip.get();
    }

    boolean stcEnabled() {
        return (menvcfg & STCE) != 0;
    }

    void writeMstatus(long v) {
        long n = (mstatus & ~MSTATUS_WRITABLE) | (v & MSTATUS_WRITABLE);
        if ((n & MPP) == (2L << 11)) {
            n &= ~MPP; // MPP is WARL: 2 (hypervisor) does not exist here
        }
        mstatus = n;
        hart.contextChanged();
        hart.breakBlock = true;
    }

    private void writeSatp(long v) {
        long mode = v >>> 60;
        if (mode != 0 && mode != 8 && mode != 9) {
            return; // unsupported mode: the whole write has no effect (Linux probes sv57 this way)
        }
        // ASIDLEN is 0: the ASID field reads as zero, so Linux flushes on every address space switch.
        satp = mode == 0 ? 0 : (v & ((1L << 44) - 1)) | (mode << 60);
        hart.mmu.flushAll();
        hart.contextChanged();
        hart.breakBlock = true;
    }

    private void writeMipBits(long writable, long v) {
        long old;
        do {
            old = mip.get();
        } while (!mip.compareAndSet(old, (old & ~writable) | (v & writable)));
        hart.breakBlock = true;
    }

    private long counter(int csr, int priv, long value) {
        long bit = 1L << (csr & 31);
        if ((priv < 3 && (mcounteren & bit) == 0) || (priv == 0 && (scounteren & bit) == 0)) {
            throw hart.illegal();
        }
        return value;
    }

    private long checkStimecmp(int priv) {
        if (priv < 3 && (!stcEnabled() || (mcounteren & 2) == 0)) {
            throw hart.illegal();
        }
        return stimecmp;
    }

    private long checkSatp(int priv) {
        if (priv == 1 && (mstatus & TVM) != 0) {
            throw hart.illegal();
        }
        return satp;
    }

    /** PMP, hardware performance counters and events: implemented as zero, writes ignored. */
    private static boolean isReadZero(int csr) {
        return (csr >= 0x3A0 && csr <= 0x3EF)       // pmpcfg, pmpaddr
                || (csr >= 0xB03 && csr <= 0xB1F)   // mhpmcounter3..31
                || (csr >= 0x323 && csr <= 0x33F);  // mhpmevent3..31
    }

    /** Sets or clears MTIP and STIP from the compare registers; called between blocks. */
    void updateTimers(long now) {
        long old;
        long want;
        do {
            old = mip.get();
            want = Long.compareUnsigned(now, mtimecmp) >= 0 ? old | (1L << Csrs.MTI) : old & ~(1L << Csrs.MTI);
            if (stcEnabled() || sbiTimerArmed) {
                boolean fired = (stcEnabled() && Long.compareUnsigned(now, stimecmp) >= 0)
                        || (sbiTimerArmed && Long.compareUnsigned(now, sbiTimecmp) >= 0);
                want = fired ? want | (1L << Csrs.STI) : want & ~(1L << Csrs.STI);
            }
        } while (want != old && !mip.compareAndSet(old, want));
    }

    /**
     * Earliest deadline of a timer whose interrupt is enabled in mie (a WFI would not wake for
     * the others); compare values are unsigned, all ones meaning never.
     */
    long nextDeadline() {
        long d = Long.MAX_VALUE;
        if ((mie & (1L << MTI)) != 0 && mtimecmp >= 0) {
            d = mtimecmp;
        }
        if ((mie & (1L << STI)) != 0) {
            if (stcEnabled() && stimecmp >= 0) {
                d = Math.min(d, stimecmp);
            }
            if (sbiTimerArmed && sbiTimecmp >= 0) {
                d = Math.min(d, sbiTimecmp);
            }
        }
        return d;
    }
}
