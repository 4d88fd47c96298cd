package dev.vessel.vmm.machine;

import dev.vessel.vmm.cpu.riscv.Hart;
import dev.vessel.vmm.memory.GuestMemory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.ValueLayout;
import java.util.function.Consumer;

/**
 * The RISC-V Supervisor Binary Interface (spec 2.0) implemented in Java, in place of M-mode
 * firmware: an S-mode {@code ecall} lands here on the calling hart's thread. Implemented:
 * BASE, TIME, IPI, RFENCE, HSM, SRST, DBCN and the legacy console, timer and shutdown calls.
 * Why Java rather than OpenSBI: no M-mode code means no M-mode emulation cost on every timer
 * tick and IPI, and no firmware blob to build or ship; the interface is small and stable.
 *
 * <p>Calling convention: a7 = extension, a6 = function, a0..a5 = arguments; the call returns
 * an error in a0 and a value in a1 (legacy extensions return one value in a0).
 */
final class Sbi {

    private static final long SUCCESS = 0, FAILED = -1, NOT_SUPPORTED = -2, INVALID_PARAM = -3;
    private static final long ALREADY_AVAILABLE = -6;
    private static final long BASE = 0x10, TIME = 0x54494D45L, IPI = 0x735049L, RFENCE = 0x52464E43L;
    private static final long HSM = 0x48534DL, SRST = 0x53525354L, DBCN = 0x4442434EL;
    private static final long SPEC_VERSION_2_0 = 2L << 24;
    private static final long IMPLEMENTATION_ID = 0x5653; // "VS", outside the registered ids
    private static final int SSIP = 1;
    private static final long FLUSH_WAIT_NANOS = 100_000_000L;

    private final Hart[] harts;
    private final GuestMemory memory;
    private final OutputStream console;
    private final InputStream input;
    private final Consumer<ExitStatus> exit;

    Sbi(Hart[] harts, GuestMemory memory, OutputStream console, InputStream input, Consumer<ExitStatus> exit) {
        this.harts = harts;
        this.memory = memory;
        this.console = console;
        this.input = input;
        this.exit = exit;
    }

    /** Handles the call in the hart's registers; always true (unknown calls return NOT_SUPPORTED). */
    boolean call(Hart h) {
        long eid = h.x(17);
        int fid = (int) h.x(16);
        long a0 = h.x(10);
        long a1 = h.x(11);
        if (eid < 0x10) {
            h.setX(10, legacy(h, (int) eid, a0));
            return true;
        }
        long error = SUCCESS;
        long value = 0;
        if (eid == BASE) {
            switch (fid) {
                case 0 -> value = SPEC_VERSION_2_0;
                case 1 -> value = IMPLEMENTATION_ID;
                case 2 -> value = 1;
                case 3 -> value = probe(a0) ? 1 : 0;
                case 4, 5, 6 -> value = 0;
                default -> error = NOT_SUPPORTED;
            }
        } else if (eid == TIME && fid == 0) {
            h.setSupervisorTimer(a0);
        } else if (eid == IPI && fid == 0) {
            error = forEachHart(a0, a1, t -> t.raiseInterrupt(SSIP));
        } else if (eid == RFENCE) {
            error = switch (fid) {
                case 0 -> forEachHart(a0, a1, t -> { });   // no decoded-instruction cache to invalidate
                case 1, 2 -> remoteSfence(h, a0, a1);
                default -> NOT_SUPPORTED;
            };
        } else if (eid == HSM) {
            long[] result = hsm(h, fid, a0, a1, h.x(12));
            error = result[0];
            value = result[1];
        } else if (eid == SRST && fid == 0) {
            error = reset(a0, a1);
        } else if (eid == DBCN) {
            long[] result = debugConsole(fid, a0, a1);
            error = result[0];
            value = result[1];
        } else {
            error = NOT_SUPPORTED;
        }
        h.setX(10, error);
        h.setX(11, value);
        return true;
    }

    private static boolean probe(long eid) {
        return eid == TIME || eid == IPI || eid == RFENCE || eid == HSM || eid == SRST || eid == DBCN
                || eid == 0 || eid == 1 || eid == 2 || eid == 3 || eid == 8;
    }

    private long legacy(Hart h, int eid, long a0) {
        switch (eid) {
            case 0 -> h.setSupervisorTimer(a0);
            case 1 -> write((int) a0);
            case 2 -> {
                return readByte();
            }
            case 3 -> h.lowerInterrupt(SSIP);
            case 8 -> exit.accept(ExitStatus.powerOff(0));
            default -> {
                return NOT_SUPPORTED;
            }
        }
        return 0;
    }

    private long forEachHart(long mask, long base, Consumer<Hart> action) {
        if (base == -1) {
            for (Hart t : harts) {
                action.accept(t);
            }
            return SUCCESS;
        }
        for (int bit = 0; bit < 64; bit++) {
            if ((mask & (1L << bit)) != 0) {
                long id = base + bit;
                if (id < 0 || id >= harts.length) {
                    return INVALID_PARAM;
                }
            }
        }
        for (int bit = 0; bit < 64; bit++) {
            if ((mask & (1L << bit)) != 0) {
                action.accept(harts[(int) (base + bit)]);
            }
        }
        return SUCCESS;
    }

    /**
     * Remote sfence.vma: every target flushes its whole TLB. The caller expects the flush done
     * when the call returns, so this waits (bounded) until running targets have acknowledged.
     */
    private long remoteSfence(Hart self, long mask, long base) {
        long error = forEachHart(mask, base, Hart::requestTlbFlush);
        if (error != SUCCESS) {
            return error;
        }
        long deadline = System.nanoTime() + FLUSH_WAIT_NANOS;
        for (Hart t : harts) {
            while (t != self && !t.tlbFlushDone() && System.nanoTime() < deadline) {
                Thread.yield(); // the target may need this core to reach its block boundary
            }
        }
        return SUCCESS;
    }

    private long[] hsm(Hart self, int fid, long hartId, long startAddr, long opaque) {
        switch (fid) {
            case 0 -> {
                if (hartId < 0 || hartId >= harts.length) {
                    return new long[] {INVALID_PARAM, 0};
                }
                if (!memory.contains(startAddr, 2)) {
                    return new long[] {-5 /* INVALID_ADDRESS */, 0};
                }
                return new long[] {harts[(int) hartId].start(startAddr, opaque) ? SUCCESS : ALREADY_AVAILABLE, 0};
            }
            case 1 -> {
                self.stopSelf();
                return new long[] {SUCCESS, 0};
            }
            case 2 -> {
                if (hartId < 0 || hartId >= harts.length) {
                    return new long[] {INVALID_PARAM, 0};
                }
                return new long[] {SUCCESS, harts[(int) hartId].hsmState()};
            }
            default -> {
                return new long[] {NOT_SUPPORTED, 0};
            }
        }
    }

    private long reset(long type, long reason) {
        if (type == 0) {
            exit.accept(ExitStatus.powerOff(reason == 0 ? 0 : 1));
        } else if (type == 1 || type == 2) {
            exit.accept(ExitStatus.reboot());
        } else {
            return INVALID_PARAM;
        }
        return SUCCESS;
    }

    private long[] debugConsole(int fid, long count, long addressLow) {
        switch (fid) {
            case 0 -> {
                if (!memory.contains(addressLow, count)) {
                    return new long[] {INVALID_PARAM, 0};
                }
                byte[] bytes = memory.slice(addressLow, count).toArray(ValueLayout.JAVA_BYTE);
                try {
                    console.write(bytes);
                    console.flush();
                } catch (IOException e) {
                    return new long[] {FAILED, 0};
                }
                return new long[] {SUCCESS, count};
            }
            case 1 -> {
                if (!memory.contains(addressLow, count)) {
                    return new long[] {INVALID_PARAM, 0};
                }
                long n = 0;
                while (n < count) {
                    long c = readByte();
                    if (c < 0) {
                        break;
                    }
                    memory.slice(addressLow + n, 1).set(ValueLayout.JAVA_BYTE, 0, (byte) c);
                    n++;
                }
                return new long[] {SUCCESS, n};
            }
            case 2 -> {
                write((int) count);
                return new long[] {SUCCESS, 0};
            }
            default -> {
                return new long[] {NOT_SUPPORTED, 0};
            }
        }
    }

    private void write(int b) {
        try {
            console.write(b);
            if (b == '\n') {
                console.flush();
            }
        } catch (IOException e) {
            // The console went away (closed pipe): the guest keeps running without output.
        }
    }

    private long readByte() {
        try {
            return input != null && input.available() > 0 ? input.read() : -1;
        } catch (IOException e) {
            return -1;
        }
    }
}
