# Interrupts: the CLINT machine timer and software interrupt in M-mode, then the supervisor
# timer through Sstc (stimecmp) delegated to S-mode, each waited for with WFI.
.include "harness.inc"
.equ CLINT_MSIP, 0x2000000
.equ CLINT_MTIMECMP, 0x2004000
.equ CLINT_MTIME, 0x200bff8

.section .text
.option norvc
.globl _start
_start:
    la t0, m_trap
    csrw mtvec, t0
    li s1, 0                             # interrupts seen

    li gp, 1                             # machine timer 100 us from now
    li t1, CLINT_MTIME
    ld t2, 0(t1)
    addi t2, t2, 1000
    li t1, CLINT_MTIMECMP
    sd t2, 0(t1)
    li t0, 1 << 7
    csrs mie, t0
1:  bnez s1, 5f                          # flag tested with MIE off: no lost wake-up
    wfi
    csrsi mstatus, 1 << 3
    csrci mstatus, 1 << 3
    j 1b
5:  csrsi mstatus, 1 << 3
    li t0, 0x8000000000000007
    bne s2, t0, fail
    li t1, CLINT_MTIME                   # it fired no earlier than the deadline
    ld t3, 0(t1)
    bltu t3, t2, fail

    li gp, 2                             # machine software interrupt through msip
    li s1, 0
    li t0, 1 << 3
    csrs mie, t0
    li t1, CLINT_MSIP
    li t0, 1
    sw t0, 0(t1)
2:  beqz s1, 2b
    li t0, 0x8000000000000003
    bne s2, t0, fail
    csrci mstatus, 1 << 3

    li gp, 3                             # supervisor timer via Sstc, delegated to S
    li t0, 1 << 63
    csrs menvcfg, t0                     # STCE
    li t0, 2
    csrs mcounteren, t0                  # TM: S may read time and use stimecmp
    li t0, 1 << 5
    csrs mideleg, t0
    la t0, s_trap
    csrw stvec, t0
    la t0, smode
    csrw mepc, t0
    li t0, 3 << 11
    csrc mstatus, t0
    li t0, 1 << 11
    csrs mstatus, t0
    mret

smode:
    li gp, 4
    li s1, 0
    rdtime t2
    addi t2, t2, 1000
    csrw stimecmp, t2
    li t0, 1 << 5
    csrs sie, t0
3:  bnez s1, 6f
    wfi
    csrsi sstatus, 1 << 1
    csrci sstatus, 1 << 1
    j 3b
6:
    li t0, 0x8000000000000005
    bne s2, t0, fail
    rdtime t3
    bltu t3, t2, fail
    li gp, 5
    csrr t0, sip                         # STIP cleared by moving stimecmp away
    andi t0, t0, 1 << 5
    bnez t0, fail
    j pass

fail: FAIL_AND_HALT
pass: PASS_AND_HALT

.balign 4
m_trap:
    csrr s2, mcause
    li s1, 1
    li t6, CLINT_MTIMECMP                # silence both sources
    li t5, -1
    sd t5, 0(t6)
    li t6, CLINT_MSIP
    sw zero, 0(t6)
    mret

.balign 4
s_trap:
    csrr s2, scause
    li s1, 1
    li t5, -1
    csrw stimecmp, t5
    sret
