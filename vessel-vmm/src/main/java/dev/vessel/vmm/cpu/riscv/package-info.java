/**
 * The software CPU: an RV64IMAFDC + Zicsr + Zifencei (+ Sstc) interpreter with machine,
 * supervisor and user modes, Sv39/Sv48 paging and the privileged architecture Linux needs.
 *
 * <p>Shape: {@link dev.vessel.vmm.cpu.riscv.Hart} owns the architectural state and the loop;
 * it fetches through {@code Mmu} (TLBs, page walks, RAM vs MMIO), expands compressed
 * instructions through a 64 Ki-entry table ({@code Compressed}) and dispatches on the major
 * opcode in {@code Execute}, with the groups in {@code IntegerOps}, {@code AtomicOps},
 * {@code SystemOps} (CSRs, xRET, WFI, SFENCE.VMA), {@code FloatOps}/{@code FloatArith} and the
 * IEEE-754 rounding core {@code Ieee754}/{@code FloatConvert}. CSRs live in {@code Csrs}.
 *
 * <p>Speed: nothing is allocated per instruction; synchronous exceptions unwind with one
 * preallocated {@code Trap} per hart; the loop runs blocks of up to 1024 instructions with the
 * current instruction page cached, and polls interrupts, timers and cross-hart requests only
 * between blocks (anything that can unmask an interrupt ends the block early).
 *
 * <p>Harts are threads. Atomics operate on guest RAM through var handles; SC is a
 * compare-and-swap against the value LR read. Linux 6.1's {@code cpu_relax()} ({@code div}
 * by {@code x0}) and {@code pause} yield the host thread, so spin-waits on other harts stay
 * cheap on a host with fewer free cores than harts.
 *
 * <p>Known gaps: no PMP (CSRs read as zero), no ASIDs (ASIDLEN 0, every satp write flushes),
 * no hardware performance counters, no Svnapot/Svpbmt, and underflow is detected from the
 * rounded result (the boundary case of a value rounding up to the smallest normal number
 * under "tininess after rounding" is not distinguished).
 */
package dev.vessel.vmm.cpu.riscv;
