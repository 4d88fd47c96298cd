package dev.vessel.vmm.cpu.riscv;

/**
 * The platform's timebase (the {@code time} CSR, CLINT {@code mtime}): 10 MHz derived from the
 * host's monotonic clock, shared by all harts so their views of time agree.
 */
public final class TimeBase {

    public static final long FREQUENCY_HZ = 10_000_000L;

    private final long origin = System.nanoTime();

    /** Ticks since the machine was created. */
    public long now() {
        return (System.nanoTime() - origin) / 100;
    }

    /** Host nanoseconds from now until {@code ticks} (never negative). */
    public long nanosUntil(long ticks) {
        long delta = ticks - now();
        if (delta <= 0) {
            return 0;
        }
        return delta > Long.MAX_VALUE / 100 ? Long.MAX_VALUE : delta * 100;
    }
}
