# Traps: ecall, ebreak, illegal instructions, misaligned and faulting accesses (cause, epc,
# tval), privilege checks, and delegation of a U-mode ecall to S-mode.
.include "harness.inc"
.section .text
.option norvc                            # the handler skips 4 bytes: no compressed instructions here
.globl _start
_start:
    la t0, m_trap
    csrw mtvec, t0

    li gp, 1
1:  ecall
    li t0, 11                            # environment call from M
    bne s2, t0, fail
    la t0, 1b
    bne s4, t0, fail
    srli t1, s10, 11                     # mstatus as the handler saw it: MPP = M
    andi t1, t1, 3
    li t0, 3
    bne t1, t0, fail
    csrr t1, mstatus                     # mret has set MPP to U
    srli t1, t1, 11
    andi t1, t1, 3
    bnez t1, fail

    li gp, 2
2:  ebreak
    CHECK 3, s2, 3
    la t0, 2b
    bne s3, t0, fail                     # tval = pc of the ebreak

    li gp, 4
3:  csrr a0, 0x7c0                       # no such CSR
    CHECK 5, s2, 2
    la t0, 3b
    lwu t1, 0(t0)
    bne s3, t1, fail                     # tval = the instruction bits

    li gp, 6
    la s0, data
    addi a1, s0, 4
    amoadd.d a0, zero, (a1)              # misaligned AMO: store/AMO misaligned
    CHECK 7, s2, 6
    bne s3, a1, fail
    lr.w a0, (s0)
    addi a1, s0, 2
    lr.w a0, (a1)                        # misaligned LR: load misaligned
    CHECK 8, s2, 4

    li gp, 9
    li a1, 0x1000                        # nothing lives there
    ld a0, 0(a1)
    CHECK 10, s2, 5
    bne s3, a1, fail
    sd a0, 0(a1)
    CHECK 11, s2, 7

    li gp, 16                            # FS = off: FP instructions and fcsr are illegal
    li t0, 3 << 13
    csrc mstatus, t0
    li s2, 0
    fadd.d fa0, fa0, fa0
    CHECK 17, s2, 2
    li s2, 0
    frcsr a0
    CHECK 18, s2, 2
    li t0, 1 << 13                       # FS = initial: allowed, and a write makes it dirty
    csrs mstatus, t0
    li s2, 0
    fmv.d.x fa0, zero
    CHECK 19, s2, 0
    csrr t1, mstatus
    srli t1, t1, 13
    andi t1, t1, 3
    CHECK 20, t1, 3
    csrr t1, mstatus                     # SD mirrors FS = dirty
    bgez t1, fail

    # delegation: U-mode ecall goes to S (medeleg bit 8); S then ecalls to M (not delegated)
    li s9, 0
    li gp, 12
    li t0, 1 << 8
    csrw medeleg, t0
    la t0, s_trap
    csrw stvec, t0
    la t0, umode
    csrw mepc, t0
    li t0, 3 << 11
    csrc mstatus, t0                     # MPP = U
    mret

umode:
    li gp, 13
    csrr a0, sstatus                     # S CSR from U: illegal, not delegated -> M, resumes here
    li s8, 0x55
4:  ecall
    j fail

s_trap:
    csrr s5, scause
    csrr s6, sepc
    csrr s7, sstatus
    ecall                                # to M: cause 9
    j fail

after_s_ecall:
    li gp, 14
    li t0, 8
    bne s5, t0, fail                     # scause: ecall from U
    la t0, 4b
    bne s6, t0, fail
    andi t0, s7, 1 << 8                  # SPP = U
    bnez t0, fail
    li gp, 15
    li t0, 0x55
    bne s8, t0, fail                     # the illegal sstatus read in U trapped and resumed
    li t0, 2
    bne s9, t0, fail                     # ... and was seen as cause 2 by M
    csrr t1, mstatus
    srli t1, t1, 11
    andi t1, t1, 3
    li t0, 1                             # MPP = S
    bne t1, t0, fail
    j pass

fail: FAIL_AND_HALT
pass: PASS_AND_HALT

.balign 4
m_trap:
    csrr s2, mcause
    csrr s3, mtval
    csrr s4, mepc
    csrr s10, mstatus
    li t6, 9
    beq s2, t6, m_from_s
    li t6, 2
    bne s2, t6, 1f
    mv s9, s2                            # remember an illegal-instruction trap
1:  addi t6, s4, 4
    csrw mepc, t6
    mret
m_from_s:
    j after_s_ecall

.section .data
.balign 8
data: .dword 0, 0
