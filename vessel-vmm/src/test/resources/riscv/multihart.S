# Two harts (threads) increment shared counters: 20000 AMOADDs and 10000 LR/SC increments
# must all land. Hart 1 signals completion with an AMO; hart 0 checks the totals.
.include "harness.inc"
.equ ROUNDS, 10000

.section .text
.globl _start
_start:
    la s0, counter
    la s1, lrsc_counter
    la s2, done
    li t1, ROUNDS
1:  li t0, 1
    amoadd.d zero, t0, (s0)
    addi t1, t1, -1
    bnez t1, 1b
    li t1, ROUNDS / 2
2:  lr.d t2, (s1)
    addi t2, t2, 1
    sc.d t3, t2, (s1)
    bnez t3, 2b
    addi t1, t1, -1
    bnez t1, 2b
    bnez a0, secondary                   # a0 = hart id
3:  ld t0, 0(s2)
    beqz t0, 3b
    fence
    li gp, 1
    ld t0, 0(s0)
    li t1, 2 * ROUNDS
    bne t0, t1, fail
    li gp, 2
    ld t0, 0(s1)
    li t1, ROUNDS
    bne t0, t1, fail
    j pass

secondary:
    fence
    li t0, 1
    amoadd.d zero, t0, (s2)
4:  wfi
    j 4b

fail: FAIL_AND_HALT
pass: PASS_AND_HALT

.section .data
.balign 8
counter:      .dword 0
lrsc_counter: .dword 0
done:         .dword 0
