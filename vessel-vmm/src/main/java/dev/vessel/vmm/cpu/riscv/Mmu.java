package dev.vessel.vmm.cpu.riscv;

import dev.vessel.vmm.bus.MmioBus;
import dev.vessel.vmm.memory.GuestMemory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One hart's view of memory: Sv39/Sv48 translation with hardware A/D updates, a direct-mapped
 * TLB per access kind, and the split between RAM (a native segment) and MMIO (the bus).
 *
 * <p>A TLB tag is the virtual page number shifted left by 5 with the translation context in the
 * low bits (effective privilege, SUM, MXR, and bit 4 so a tag is never 0, the empty value). A
 * privilege switch or a SUM toggle around copy_to_user therefore needs no flush: entries made
 * under another context simply miss. Entries hold RAM offsets of pages; MMIO pages are never
 * cached, each access walks. Store entries exist only for pages whose PTE already has D set.
 */
final class Mmu {

    static final int FETCH = 0;
    static final int LOAD = 1;
    static final int STORE = 2;

    static final ValueLayout.OfLong LONG = GuestMemory.LONG;
    static final ValueLayout.OfInt INT = GuestMemory.INT;
    static final ValueLayout.OfShort SHORT = GuestMemory.SHORT;
    static final VarHandle ATOMIC_LONG =
            ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    static final VarHandle ATOMIC_INT =
            ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    private static final int TLB_SIZE = 1024;
    private static final int TLB_MASK = TLB_SIZE - 1;
    private static final long PTE_V = 1, PTE_R = 2, PTE_W = 4, PTE_X = 8, PTE_U = 16, PTE_A = 64, PTE_D = 128;
    private static final long PPN_MASK = (1L << 44) - 1;

    final MemorySegment ram;
    final long ramBase;
    final long ramSize;
    private final MmioBus bus;
    private final Trap trap;
    private final long[] mmioValue = new long[1];

    // Each TLB is one array of {tag, RAM offset of the page} pairs: one bounds check, one cache line.
    private final long[] fetchTlb = new long[2 * TLB_SIZE];
    private final long[] loadTlb = new long[2 * TLB_SIZE];
    private final long[] storeTlb = new long[2 * TLB_SIZE];
    /** Slots (kind * 2 * TLB_SIZE + index) holding pieces of superpages, for sfence.vma of one address. */
    private final int[] superpageSlots = new int[256];
    private int superpageCount;
    private boolean superpagesOverflow;

    private boolean lastWalkSuperpage;
    private int satpMode;
    private long rootTable;
    private int fetchPriv;
    private int dataPriv;
    private boolean sum;
    private boolean mxr;
    private long fetchCtx;
    private long dataCtx;

    Mmu(GuestMemory memory, MmioBus bus, Trap trap) {
        this.ram = memory.segment();
        this.ramBase = memory.base();
        this.ramSize = memory.size();
        this.bus = bus;
        this.trap = trap;
        setContext(3, 0, 0);
    }

    /** Called whenever privilege, mstatus or satp change. A satp change must also flush. */
    void setContext(int priv, long mstatus, long satp) {
        satpMode = (int) (satp >>> 60);
        rootTable = (satp & PPN_MASK) << 12;
        fetchPriv = priv;
        dataPriv = (priv == 3 && (mstatus & Csrs.MPRV) != 0) ? (int) ((mstatus >>> 11) & 3) : priv;
        sum = (mstatus & Csrs.SUM) != 0;
        mxr = (mstatus & Csrs.MXR) != 0;
        long flags = 16 | (sum ? 4 : 0) | (mxr ? 8 : 0);
        fetchCtx = 16 | fetchPriv; // SUM and MXR never change what may be executed
        dataCtx = flags | dataPriv;
    }

    void flushAll() {
        Arrays.fill(fetchTlb, 0);
        Arrays.fill(loadTlb, 0);
        Arrays.fill(storeTlb, 0);
        superpageCount = 0;
        superpagesOverflow = false;
    }

    /**
     * sfence.vma of one address. Linux issues it on every unmap, so it must not empty the TLB:
     * it drops the address's slot and every slot that caches part of a superpage (the address
     * may lie in one; the kernel's linear map is made of them, so there are few such slots).
     */
    void flushPage(long va) {
        if (superpagesOverflow) {
            flushAll();
            return;
        }
        int i = ((int) (va >>> 12) & TLB_MASK) << 1;
        fetchTlb[i] = 0;
        loadTlb[i] = 0;
        storeTlb[i] = 0;
        for (int k = 0; k < superpageCount; k++) {
            int slot = superpageSlots[k];
            long[] tlb = switch (slot / (2 * TLB_SIZE)) {
                case FETCH -> fetchTlb;
                case LOAD -> loadTlb;
                default -> storeTlb;
            };
            tlb[slot % (2 * TLB_SIZE)] = 0;
        }
        superpageCount = 0;
    }

    // ---- instruction fetch -------------------------------------------------------------------

    /** The instruction at {@code pc}: 32 bits, or a 16-bit parcel (low two bits not 11) zero-extended. */
    int fetch(long pc) {
        long a = fetchAddr(pc);
        if ((pc & 0xfff) <= 0xffc) {
            int w = ram.get(INT, a);
            return (w & 3) == 3 ? w : w & 0xffff;
        }
        int lo = ram.get(SHORT, a) & 0xffff;
        if ((lo & 3) != 3) {
            return lo;
        }
        return lo | (ram.get(SHORT, fetchAddr(pc + 2)) << 16);
    }

    /** RAM offset of the page holding {@code va}, whose fetch has just been translated. */
    long fetchPageOffset(long va) {
        return fetchAddr(va) & ~0xfffL;
    }

    private long fetchAddr(long va) {
        long[] tlb = fetchTlb;
        int i = ((int) (va >>> 12) & TLB_MASK) << 1;
        if (tlb[i] == ((va >>> 12) << 5 | fetchCtx)) {
            return tlb[i + 1] | (va & 0xfff);
        }
        long a = translateSlow(va, FETCH);
        if (a < 0) {
            throw trap.set(Trap.INSN_ACCESS, va);
        }
        return a;
    }

    // ---- loads and stores --------------------------------------------------------------------

    long load64(long va) {
        if ((va & 0xfff) > 0xff8) {
            return loadSplit(va, 8);
        }
        long a = loadAddr(va);
        return a >= 0 ? ram.get(LONG, a) : mmioRead(a, va, 8);
    }

    int load32(long va) {
        if ((va & 0xfff) > 0xffc) {
            return (int) loadSplit(va, 4);
        }
        long a = loadAddr(va);
        return a >= 0 ? ram.get(INT, a) : (int) mmioRead(a, va, 4);
    }

    short load16(long va) {
        if ((va & 0xfff) == 0xfff) {
            return (short) loadSplit(va, 2);
        }
        long a = loadAddr(va);
        return a >= 0 ? ram.get(SHORT, a) : (short) mmioRead(a, va, 2);
    }

    byte load8(long va) {
        long a = loadAddr(va);
        return a >= 0 ? ram.get(ValueLayout.JAVA_BYTE, a) : (byte) mmioRead(a, va, 1);
    }

    void store64(long va, long v) {
        if ((va & 0xfff) > 0xff8) {
            storeSplit(va, 8, v);
            return;
        }
        long a = storeAddr(va);
        if (a >= 0) {
            ram.set(LONG, a, v);
        } else {
            mmioWrite(a, va, 8, v);
        }
    }

    void store32(long va, int v) {
        if ((va & 0xfff) > 0xffc) {
            storeSplit(va, 4, v);
            return;
        }
        long a = storeAddr(va);
        if (a >= 0) {
            ram.set(INT, a, v);
        } else {
            mmioWrite(a, va, 4, v & 0xffffffffL);
        }
    }

    void store16(long va, int v) {
        if ((va & 0xfff) == 0xfff) {
            storeSplit(va, 2, v);
            return;
        }
        long a = storeAddr(va);
        if (a >= 0) {
            ram.set(SHORT, a, (short) v);
        } else {
            mmioWrite(a, va, 2, v & 0xffffL);
        }
    }

    void store8(long va, int v) {
        long a = storeAddr(va);
        if (a >= 0) {
            ram.set(ValueLayout.JAVA_BYTE, a, (byte) v);
        } else {
            mmioWrite(a, va, 1, v & 0xffL);
        }
    }

    /**
     * RAM offset for an atomic access: naturally aligned (else a misaligned fault, which Linux
     * does not emulate for atomics), writable, and in RAM (atomics on MMIO are access faults).
     */
    long atomicAddr(long va, int size, boolean loadOnly) {
        if ((va & (size - 1)) != 0) {
            throw trap.set(loadOnly ? Trap.LOAD_MISALIGNED : Trap.STORE_MISALIGNED, va);
        }
        long a = loadOnly ? loadAddr(va) : storeAddr(va);
        if (a < 0) {
            throw trap.set(loadOnly ? Trap.LOAD_ACCESS : Trap.STORE_ACCESS, va);
        }
        return a;
    }

    private long loadAddr(long va) {
        long[] tlb = loadTlb;
        int i = ((int) (va >>> 12) & TLB_MASK) << 1;
        if (tlb[i] == ((va >>> 12) << 5 | dataCtx)) {
            return tlb[i + 1] | (va & 0xfff);
        }
        return translateSlow(va, LOAD);
    }

    private long storeAddr(long va) {
        long[] tlb = storeTlb;
        int i = ((int) (va >>> 12) & TLB_MASK) << 1;
        if (tlb[i] == ((va >>> 12) << 5 | dataCtx)) {
            return tlb[i + 1] | (va & 0xfff);
        }
        return translateSlow(va, STORE);
    }

    private long loadSplit(long va, int size) {
        long v = 0;
        for (int i = 0; i < size; i++) {
            v |= (load8(va + i) & 0xffL) << (8 * i);
        }
        return v;
    }

    private void storeSplit(long va, int size, long v) {
        // Translate every byte before writing any, so a fault on the second page leaves memory unchanged.
        for (int i = 0; i < size; i++) {
            storeAddr(va + i);
        }
        for (int i = 0; i < size; i++) {
            store8(va + i, (int) (v >>> (8 * i)));
        }
    }

    private long mmioRead(long a, long va, int size) {
        if (!bus.read(a & Long.MAX_VALUE, size, mmioValue)) {
            throw trap.set(Trap.LOAD_ACCESS, va);
        }
        return mmioValue[0];
    }

    private void mmioWrite(long a, long va, int size, long v) {
        if (!bus.write(a & Long.MAX_VALUE, size, v)) {
            throw trap.set(Trap.STORE_ACCESS, va);
        }
    }

    // ---- translation -------------------------------------------------------------------------

    /** RAM offset (>= 0) of {@code va}, or its physical address with the sign bit set for MMIO. */
    private long translateSlow(long va, int access) {
        int priv = access == FETCH ? fetchPriv : dataPriv;
        lastWalkSuperpage = false;
        long pa = (priv == 3 || satpMode == 0) ? va : walk(va, access, priv);
        long off = pa - ramBase;
        if (off < 0 || off >= ramSize) {
            return pa | Long.MIN_VALUE;
        }
        int i = ((int) (va >>> 12) & TLB_MASK) << 1;
        long[] tlb = access == FETCH ? fetchTlb : access == LOAD ? loadTlb : storeTlb;
        tlb[i] = (va >>> 12) << 5 | (access == FETCH ? fetchCtx : dataCtx);
        tlb[i + 1] = off & ~0xfffL;
        if (lastWalkSuperpage) {
            if (superpageCount < superpageSlots.length) {
                superpageSlots[superpageCount++] = access * 2 * TLB_SIZE + i;
            } else {
                superpagesOverflow = true;
            }
        }
        return off;
    }

    /** Physical address of {@code va} under satp, setting A (and D for stores) as hardware would. */
    long walk(long va, int access, int priv) {
        int levels = satpMode == 8 ? 3 : 4;
        int vaBits = 12 + 9 * levels;
        long high = va >> (vaBits - 1);
        if (high != 0 && high != -1) {
            throw pageFault(access, va);
        }
        long table = rootTable;
        for (int level = levels - 1; level >= 0; level--) {
            long pteAddr = table + (((va >>> (12 + 9 * level)) & 0x1ff) << 3);
            long off = pteAddr - ramBase;
            if (off < 0 || off > ramSize - 8) {
                throw trap.set(access == FETCH ? Trap.INSN_ACCESS : access == LOAD ? Trap.LOAD_ACCESS : Trap.STORE_ACCESS, va);
            }
            long pte = (long) ATOMIC_LONG.getVolatile(ram, off);
            if ((pte & PTE_V) == 0 || ((pte & PTE_R) == 0 && (pte & PTE_W) != 0) || (pte >>> 54) != 0) {
                throw pageFault(access, va);
            }
            if ((pte & (PTE_R | PTE_X)) == 0) {
                table = ((pte >>> 10) & PPN_MASK) << 12;
                continue;
            }
            checkPermission(pte, access, priv, va);
            long ppn = (pte >>> 10) & PPN_MASK;
            if (level > 0 && (ppn & ((1L << (9 * level)) - 1)) != 0) {
                throw pageFault(access, va);
            }
            long need = PTE_A | (access == STORE ? PTE_D : 0);
            if ((pte & need) != need && !ATOMIC_LONG.compareAndSet(ram, off, pte, pte | need)) {
                return walk(va, access, priv); // another hart changed the PTE meanwhile: walk again
            }
            lastWalkSuperpage = level > 0;
            long pageMask = (1L << (12 + 9 * level)) - 1;
            return ((ppn << 12) & ~pageMask) | (va & pageMask);
        }
        throw pageFault(access, va);
    }

    private void checkPermission(long pte, int access, int priv, long va) {
        boolean user = (pte & PTE_U) != 0;
        if (priv == 0 ? !user : (user && (access == FETCH || !sum))) {
            throw pageFault(access, va);
        }
        boolean ok = switch (access) {
            case FETCH -> (pte & PTE_X) != 0;
            case LOAD -> (pte & PTE_R) != 0 || (mxr && (pte & PTE_X) != 0);
            default -> (pte & PTE_W) != 0;
        };
        if (!ok) {
            throw pageFault(access, va);
        }
    }

    private Trap pageFault(int access, long va) {
        return trap.set(access == FETCH ? Trap.INSN_PAGE_FAULT : access == LOAD ? Trap.LOAD_PAGE_FAULT : Trap.STORE_PAGE_FAULT, va);
    }
}
