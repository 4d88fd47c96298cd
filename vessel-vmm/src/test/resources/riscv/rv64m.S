# M extension: products (low/high, signed/unsigned mixes) and the ISA's division edge cases.
.include "harness.inc"
.section .text
.globl _start
_start:
    TEST_RR 1, mul, 0x0000000000000001, -1, -1
    TEST_RR 2, mulh, -1, -1, 1
    TEST_RR 3, mulh, 0x3fffffffffffffff, 0x7fffffffffffffff, 0x7fffffffffffffff
    TEST_RR 4, mulhu, 0xfffffffffffffffe, -1, -1
    TEST_RR 5, mulhsu, -1, -1, -1            # (-1) * (2^64-1) = -(2^64-1): high word -1
    TEST_RR 6, mulhsu, 0, 1, -1
    TEST_RR 7, mulh, 0x4000000000000000, 0x8000000000000000, 0x8000000000000000
    TEST_RR 8, div, -3, 20, -6
    TEST_RR 9, div, -1, 5, 0                 # divide by zero: all ones
    TEST_RR 10, div, 0x8000000000000000, 0x8000000000000000, -1   # overflow: dividend
    TEST_RR 11, divu, -1, 5, 0
    TEST_RR 12, divu, 0x7fffffffffffffff, -1, 2
    TEST_RR 13, rem, 2, 20, -6
    TEST_RR 14, rem, -2, -20, 6              # sign of the dividend
    TEST_RR 15, rem, 5, 5, 0                 # remainder by zero: dividend
    TEST_RR 16, rem, 0, 0x8000000000000000, -1
    TEST_RR 17, remu, 1, -1, 2
    TEST_RR 18, remu, 7, 7, 0
    TEST_RR 19, mulw, 0xffffffff80000000, 0x40000000, 2
    TEST_RR 20, mulw, 1, 0xffffffff00000001, 0x1
    TEST_RR 21, divw, -1, 7, 0
    TEST_RR 22, divw, 0xffffffff80000000, 0x80000000, -1
    TEST_RR 23, divuw, -1, 7, 0              # 0xffffffff sign-extended
    TEST_RR 24, divuw, 0x7fffffff, 0xffffffff, 2
    TEST_RR 25, remw, 0, 0x80000000, -1
    TEST_RR 26, remw, 7, 0x100000007, 0
    TEST_RR 27, remuw, 0xffffffff80000001, 0x80000001, 0
    TEST_RR 28, remuw, 1, 0xffffffff, 2
    TEST_RR 29, divw, -2, 0x1fffffff9, 3     # only the low 32 bits count: -7 / 3
    j pass

fail: FAIL_AND_HALT
pass: PASS_AND_HALT
