# C extension: every compressed instruction class, written with explicit c. mnemonics.
.include "harness.inc"
.section .text
.globl _start
_start:
    li gp, 1
    c.li a0, -32
    c.addi a0, 31
    CHECK 2, a0, -1
    c.li a1, 5
    c.addiw a1, -6
    CHECK 3, a1, -1
    c.lui a2, 0xfffff                    # nzimm = -1 << 12
    CHECK 4, a2, -4096
    c.li a3, 1
    c.slli a3, 63
    CHECK 5, a3, 0x8000000000000000
    c.srai a3, 63
    CHECK 6, a3, -1
    c.srli a3, 60
    CHECK 7, a3, 0xf
    c.andi a3, 5
    CHECK 8, a3, 5
    c.mv a4, a3
    c.add a4, a3
    CHECK 9, a4, 10
    c.li a5, 3
    c.sub a4, a5
    CHECK 10, a4, 7
    c.xor a4, a5
    CHECK 11, a4, 4
    c.or a4, a5
    CHECK 12, a4, 7
    c.and a4, a5
    CHECK 13, a4, 3
    li a4, 0x7fffffff
    c.li a5, 1
    c.addw a4, a5
    CHECK 14, a4, 0xffffffff80000000
    c.subw a4, a5
    CHECK 15, a4, 0x7fffffff

    mv s0, sp                            # stack-relative forms
    la sp, stack_top
    c.addi16sp sp, -64
    c.addi4spn a0, sp, 16
    addi t1, sp, 16
    li gp, 16
    bne a0, t1, fail
    li a1, 0x1122334455667788
    c.sdsp a1, 8(sp)
    c.ldsp a2, 8(sp)
    CHECK 17, a2, 0x1122334455667788
    c.swsp a1, 0(sp)
    c.lwsp a3, 0(sp)
    CHECK 18, a3, 0x55667788
    addi a0, sp, 0
    c.ld a4, 8(a0)
    CHECK 19, a4, 0x1122334455667788
    c.lw a5, 0(a0)
    CHECK 20, a5, 0x55667788
    li a1, -1
    c.sw a1, 4(a0)
    c.ld a4, 0(a0)
    CHECK 21, a4, 0xffffffff55667788
    c.sd a1, 8(a0)
    ld a4, 8(a0)
    CHECK 22, a4, -1

    li t0, 0x3ff8000000000000            # c.fsd / c.fld / c.fsdsp / c.fldsp (1.5)
    li t1, 0x6000                        # mstatus.FS = dirty, so FP is on
    csrs mstatus, t1
    fmv.d.x fa0, t0
    c.fsd fa0, 16(a0)
    c.fld fa1, 16(a0)
    fmv.x.d t2, fa1
    li gp, 23
    bne t2, t0, fail
    c.fsdsp fa0, 24(sp)
    c.fldsp fa2, 24(sp)
    fmv.x.d t2, fa2
    li gp, 24
    bne t2, t0, fail

    li gp, 25                            # jumps and branches
    c.li a0, 0
    c.beqz a0, 1f
    j fail
1:  c.bnez a0, fail
    c.j 2f
    j fail
2:  la t0, 3f
    c.jalr t0
4:  j fail
3:  la t1, 4b
    bne ra, t1, fail
    la t0, 5f
    c.jr t0
    j fail
5:  c.nop
    mv sp, s0
    j pass

fail: FAIL_AND_HALT
pass: PASS_AND_HALT

.section .data
.balign 16
stack: .space 256
stack_top:
