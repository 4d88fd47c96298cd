package dev.vessel.vmm.cpu.riscv;

import dev.vessel.vmm.bus.MmioBus;
import dev.vessel.vmm.memory.GuestMemory;

import java.util.concurrent.locks.LockSupport;

/**
 * One RV64GC hardware thread: architectural state, the fetch/execute loop, traps and interrupts.
 *
 * <p>The loop runs blocks of up to {@link #BLOCK} instructions; between blocks it polls what
 * other threads may have changed (interrupt lines, timer deadlines, remote TLB flushes, HSM
 * requests, stop). Anything that can make an interrupt deliverable at once (CSR writes, xRET,
 * WFI) sets {@link #breakBlock} to end the block early.
 */
public final class Hart implements Runnable {

    /** Hart states as SBI HSM reports them. */
    public static final int STARTED = 0, STOPPED = 1, START_PENDING = 2;
    private static final int BLOCK = 1024;
    private static final long MAX_PARK_NANOS = 50_000_000L;

    public final int id;
    final long[] x = new long[32];
    final long[] f = new long[32];
    long pc;
    int priv = 3;
    long instret;
    boolean breakBlock;
    boolean waiting;
    long reservation = -1;
    long reservationValue;

    final Trap trap = new Trap();
    final Csrs csr = new Csrs(this);
    final Mmu mmu;
    final TimeBase time;
    final HartHost host;

    private volatile int hsmState = STARTED;
    volatile boolean stopRequested;
    private volatile boolean flushRequested;
    private volatile Thread thread;
    private volatile long cpuNanos;
    private long startPc;
    private long startOpaque;

    public Hart(int id, GuestMemory memory, MmioBus bus, TimeBase time, HartHost host) {
        this.id = id;
        this.mmu = new Mmu(memory, bus, trap);
        this.time = time;
        this.host = host;
    }

    // ---- set-up and inspection (machine builder, tests) -------------------------------------

    /** Puts the hart at {@code entry} in privilege {@code mode} (0 U, 1 S, 3 M) with a0/a1 set. */
    public void reset(long entry, int mode, long a0, long a1) {
        pc = entry;
        priv = mode;
        x[10] = a0;
        x[11] = a1;
        contextChanged();
    }

    /**
     * Configures the machine-mode state that firmware would leave behind before entering an
     * S-mode kernel: exceptions and S-level interrupts delegated, counters visible, Sstc on.
     */
    public void configureAsFirmware(boolean sstc) {
        csr.medeleg = 0xB1FFL & ~(1L << Trap.ECALL_S); // all but S/M ecalls (SBI) and reserved causes
        csr.mideleg = Csrs.S_INTERRUPTS;
        csr.mcounteren = 7;
        // OpenSBI leaves scounteren = 7 too and Linux 6.1 never sets it: without this, rdtime
        // in user mode (dd, ping, anything reading the clock through the vDSO) traps as illegal.
        csr.scounteren = 7;
        csr.menvcfg = sstc ? Csrs.STCE : 0;
    }

    public void parkUntilStarted() {
        hsmState = STOPPED;
    }

    public long x(int reg) {
        return x[reg];
    }

    public void setX(int reg, long value) {
        if (reg != 0) {
            x[reg] = value;
        }
    }

    public long f(int reg) {
        return f[reg];
    }

    public long pc() {
        return pc;
    }

    public int privilege() {
        return priv;
    }

    public long instructionsRetired() {
        return instret;
    }

    /** Raw mip, for the CLINT to read back msip. */
    public long pendingInterrupts() {
        return csr.mip.get();
    }

    /** Host CPU time this hart's thread used, known once it has stopped (for measurements). */
    public long cpuTimeNanos() {
        return cpuNanos;
    }

    public int hsmState() {
        return hsmState;
    }

    // ---- requests from other threads --------------------------------------------------------

    public void raiseInterrupt(int bit) {
        csr.mip.getAndUpdate(m -> m | 1L << bit);
        wake();
    }

    public void lowerInterrupt(int bit) {
        csr.mip.getAndUpdate(m -> m & ~(1L << bit));
    }

    public void setMachineTimer(long compare) {
        csr.mtimecmp = compare;
        wake();
    }

    public long machineTimer() {
        return csr.mtimecmp;
    }

    /** SBI set_timer: arms the supervisor timer and clears a pending one. */
    public void setSupervisorTimer(long compare) {
        csr.sbiTimecmp = compare;
        csr.sbiTimerArmed = true;
        csr.mip.getAndUpdate(m -> m & ~(1L << Csrs.STI));
        wake();
    }

    /** Asks the hart to flush its TLB before its next block (SBI remote sfence.vma). */
    public void requestTlbFlush() {
        flushRequested = true;
        wake();
    }

    /** True once a requested flush has been done (or the hart is not running instructions). */
    public boolean tlbFlushDone() {
        return !flushRequested || hsmState != STARTED || waiting;
    }

    /** SBI HSM hart_start; false when the hart is not stopped. */
    public synchronized boolean start(long entry, long opaque) {
        if (hsmState != STOPPED) {
            return false;
        }
        startPc = entry;
        startOpaque = opaque;
        hsmState = START_PENDING;
        wake();
        return true;
    }

    /** SBI HSM hart_stop, called on this hart's own thread. */
    public void stopSelf() {
        hsmState = STOPPED;
        breakBlock = true;
    }

    public void requestStop() {
        stopRequested = true;
        wake();
    }

    private void wake() {
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    // ---- the loop ---------------------------------------------------------------------------

    @Override
    public void run() {
        thread = Thread.currentThread();
        try {
            loop();
        } catch (Throwable e) {
            // Out of memory or an emulator bug outside an instruction: the machine must not hang.
            host.fatal(this, "hart thread failed at pc 0x" + Long.toHexString(pc) + ": " + e, e);
        } finally {
            cpuNanos = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        }
    }

    private void loop() {
        while (!stopRequested) {
            if (hsmState != STARTED) {
                if (!enterStartedState()) {
                    LockSupport.parkNanos(this, MAX_PARK_NANOS);
                }
                continue;
            }
            if (flushRequested) {
                mmu.flushAll();
                flushRequested = false;
            }
            csr.updateTimers(time.now());
            if (TrapEntry.takeInterrupt(this)) {
                waiting = false;
            }
            if (waiting) {
                if ((csr.mip.get() & csr.mie) != 0) {
                    waiting = false;
                } else {
                    LockSupport.parkNanos(this, Math.min(MAX_PARK_NANOS, time.nanosUntil(csr.nextDeadline())));
                    continue;
                }
            }
            runBlock();
        }
    }

    private boolean enterStartedState() {
        synchronized (this) {
            if (hsmState != START_PENDING) {
                return false;
            }
            priv = 1;
            pc = startPc;
            x[10] = id;
            x[11] = startOpaque;
            csr.satp = 0;
            csr.mstatus &= ~Csrs.SIE;
            waiting = false;
            mmu.flushAll();
            contextChanged();
            hsmState = STARTED;
            return true;
        }
    }

    private void runBlock() {
        breakBlock = false;
        int n = 0;
        // The page instructions come from, cached for the block: anything that changes the
        // translation (xRET, traps, satp, sfence.vma, mstatus) ends the block.
        long fetchPage = -1;
        long fetchBase = 0;
        java.lang.foreign.MemorySegment ram = mmu.ram;
        try {
            while (n < BLOCK && !breakBlock) {
                long at = pc;
                int raw;
                long offset = at & 0xfff;
                if ((at & ~0xfffL) == fetchPage && offset <= 0xffc) {
                    raw = ram.get(Mmu.INT, fetchBase + offset);
                } else {
                    raw = mmu.fetch(at);
                    fetchPage = at & ~0xfffL;
                    fetchBase = mmu.fetchPageOffset(at);
                }
                int len = 4;
                if ((raw & 3) != 3) {
                    len = 2;
                    raw = Compressed.expand16(raw);
                    if (raw == 0) {
                        throw illegal();
                    }
                }
                Execute.execute(this, raw, at, len); // one call site keeps the compiled loop small
                n++;
            }
        } catch (Trap t) {
            exception(t.cause, t.tval);
        } catch (RuntimeException | StackOverflowError e) {
            host.fatal(this, "internal error at pc 0x" + Long.toHexString(pc) + ": " + e, e);
            stopRequested = true;
        } finally {
            instret += n; // counted per block: a CSR read mid-block sees the count at its start
        }
    }

    // ---- traps and interrupts ---------------------------------------------------------------

    /** An illegal-instruction trap whose tval holds the instruction's bits, fetched again (rare path). */
    Trap illegal() {
        long bits;
        try {
            bits = mmu.fetch(pc) & 0xffffffffL;
        } catch (Trap t) {
            bits = 0;
        }
        return trap.set(Trap.ILLEGAL_INSN, bits);
    }

    void exception(int cause, long tval) {
        boolean toS = priv <= 1 && (csr.medeleg & (1L << cause)) != 0;
        if (!toS && priv == 1 && cause == Trap.ECALL_S && host.supervisorCall(this)) {
            pc += 4;
            return;
        }
        TrapEntry.enter(this, cause, tval, toS, false);
    }

    void contextChanged() {
        mmu.setContext(priv, csr.mstatus, csr.satp);
    }

    /**
     * The guest is spinning, waiting for another hart (or a device): end the block so pending
     * interrupts are seen, and let the host run the thread being waited for, which matters
     * when the host has fewer free cores than the guest has harts.
     */
    void spinHint() {
        breakBlock = true;
        Thread.yield();
    }

    void markFpDirty() {
        csr.mstatus |= Csrs.FS;
    }
}
