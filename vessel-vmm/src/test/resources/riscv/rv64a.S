# A extension on one hart: LR/SC success and failure, every AMO on words and doublewords.
.include "harness.inc"
.section .text
.globl _start
_start:
    la s0, word
    li gp, 1
    lr.d a0, (s0)
    li t0, 100
    bne a0, t0, fail
    li t1, 101
    sc.d a1, t1, (s0)
    CHECK 2, a1, 0                       # success writes 0
    ld a0, 0(s0)
    CHECK 3, a0, 101
    sc.d a1, t1, (s0)                    # no reservation any more: fails with non-zero
    li gp, 4
    beqz a1, fail
    lr.d a0, (s0)
    li t1, 7
    sd t1, 0(s0)                         # the word changes under the reservation
    sc.d a1, t0, (s0)
    li gp, 5
    beqz a1, fail
    ld a0, 0(s0)
    CHECK 6, a0, 7

    li t2, 10
    amoadd.d a0, t2, (s0)
    CHECK 7, a0, 7
    ld a0, 0(s0)
    CHECK 8, a0, 17
    li t2, 0xff
    amoand.d a0, t2, (s0)
    amoor.d a0, t2, (s0)
    ld a0, 0(s0)
    CHECK 9, a0, 0xff
    li t2, 0x0f
    amoxor.d a0, t2, (s0)
    ld a0, 0(s0)
    CHECK 10, a0, 0xf0
    li t2, -5
    amoswap.d a0, t2, (s0)
    CHECK 11, a0, 0xf0
    li t2, 3
    amomin.d a0, t2, (s0)
    ld a0, 0(s0)
    CHECK 12, a0, -5
    amomax.d a0, t2, (s0)
    ld a0, 0(s0)
    CHECK 13, a0, 3
    li t2, -1
    amominu.d a0, t2, (s0)
    ld a0, 0(s0)
    CHECK 14, a0, 3
    amomaxu.d a0, t2, (s0)
    ld a0, 0(s0)
    CHECK 15, a0, -1

    la s1, word32
    li t2, 0x7fffffff
    sw t2, 0(s1)
    li t2, 1
    amoadd.w a0, t2, (s1)
    CHECK 16, a0, 0x7fffffff
    lw a0, 0(s1)
    CHECK 17, a0, 0xffffffff80000000     # 32-bit wrap, sign-extended on load
    lr.w a0, (s1)
    CHECK 18, a0, 0xffffffff80000000
    li t2, 5
    sc.w a1, t2, (s1)
    CHECK 19, a1, 0
    lw a0, 0(s1)
    CHECK 20, a0, 5
    lw a0, 4(s1)                         # the neighbouring word is untouched
    CHECK 21, a0, 0x12345678
    li t2, -1
    amomaxu.w a0, t2, (s1)
    CHECK 22, a0, 5
    amomin.w a0, t2, (s1)
    lw a0, 0(s1)
    CHECK 23, a0, -1
    j pass

fail: FAIL_AND_HALT
pass: PASS_AND_HALT

.section .data
.balign 8
word:   .dword 100
word32: .word 0, 0x12345678
