# RV64I: arithmetic, logic, shifts, comparisons, upper immediates, jumps, branches, loads, stores.
.include "harness.inc"
.section .text
.globl _start
_start:
    TEST_RR 1, add, 0x0000000100000000, 0xffffffff, 1
    TEST_RR 2, sub, -1, 0, 1
    TEST_RR 3, sll, 0x8000000000000000, 1, 63
    TEST_RR 4, sll, 2, 1, 65            # shift amount is rs2 mod 64
    TEST_RR 5, srl, 1, 0x8000000000000000, 63
    TEST_RR 6, sra, -1, 0x8000000000000000, 63
    TEST_RR 7, slt, 1, -1, 0
    TEST_RR 8, sltu, 0, -1, 0
    TEST_RR 9, xor, 0xff00ff00ff00ff00, 0xffffffffffffffff, 0x00ff00ff00ff00ff
    TEST_RR 10, or, 0x0f0f, 0x0f00, 0x000f
    TEST_RR 11, and, 0x0f00, 0x0ff0, 0xff00
    TEST_RI 12, addi, -2048, 0, -2048
    TEST_RI 13, slti, 1, -5, -4
    TEST_RI 14, sltiu, 1, 5, -1         # -1 is the largest unsigned
    TEST_RI 15, xori, ~0x123, 0x123, -1
    TEST_RI 16, slli, 0x1000000000, 1, 36
    TEST_RI 17, srli, 0x7fffffffffffffff, -1, 1
    TEST_RI 18, srai, -1, -8, 63
    TEST_RR 19, addw, 0xffffffff80000000, 0x7fffffff, 1       # wraps and sign-extends
    TEST_RR 20, subw, 0x7fffffff, 0x80000000, 1
    TEST_RR 21, sllw, 0xffffffff80000000, 1, 31
    TEST_RR 22, srlw, 1, 0xffffffff80000000, 31
    TEST_RR 23, sraw, -1, 0x80000000, 31
    TEST_RI 24, addiw, 0xffffffff80000000, 0x17fffffff, 1
    TEST_RI 25, slliw, 0xffffffff80000000, 0x1, 31
    TEST_RI 26, srliw, 0x7fffffff, -1, 1
    TEST_RI 27, sraiw, 0xfffffffff8000000, 0x80000000, 4

    li gp, 28
    lui a0, 0x80000                     # sign-extended on RV64
    li t0, 0xffffffff80000000
    bne a0, t0, fail
    li gp, 29
1:  auipc a0, 0
    la t0, 1b
    bne a0, t0, fail

    li gp, 30                           # jal/jalr link and target
    jal ra, 2f
4:  j fail
2:  la t0, 4b
    bne ra, t0, fail
    la t1, 3f
    addi t1, t1, 1                      # jalr clears bit 0
    jalr ra, 0(t1)
    j fail
3:
    li gp, 31                           # branches, signed and unsigned
    li a1, -1
    li a2, 1
    blt a2, a1, fail
    bge a1, a2, fail
    bltu a1, a2, fail
    bgeu a2, a1, fail
    beq a1, a2, fail
    bne a1, a1, fail

    li gp, 32                           # stores then loads with every width and extension
    la s0, data
    li t0, 0x8877665544332211
    sd t0, 0(s0)
    lb a0, 7(s0)
    CHECK 33, a0, 0xffffffffffffff88
    lbu a0, 7(s0)
    CHECK 34, a0, 0x88
    lh a0, 6(s0)
    CHECK 35, a0, 0xffffffffffff8877
    lhu a0, 6(s0)
    CHECK 36, a0, 0x8877
    lw a0, 4(s0)
    CHECK 37, a0, 0xffffffff88776655
    lwu a0, 4(s0)
    CHECK 38, a0, 0x88776655
    ld a0, 0(s0)
    CHECK 39, a0, 0x8877665544332211
    sb zero, 0(s0)
    sh zero, 2(s0)
    sw zero, 4(s0)
    ld a0, 0(s0)
    CHECK 40, a0, 0x0000000000002200
    li t0, -1                           # misaligned accesses are handled, not trapped
    sd t0, 3(s0)
    ld a0, 3(s0)
    CHECK 41, a0, -1
    lw a0, 1(s0)
    CHECK 42, a0, 0xffffffffffff0022
    add x0, t0, t0                      # x0 stays zero
    CHECK 43, x0, 0
    la a0, result                       # leave a value for Java to check in memory
    li t0, 0x1234567890abcdef
    sd t0, 0(a0)
    li a0, 42
    j pass

fail: FAIL_AND_HALT
pass: PASS_AND_HALT

.section .data
.balign 8
data:   .dword 0, 0
.globl result
result: .dword 0
