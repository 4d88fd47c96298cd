# F and D: arithmetic under every rounding mode, exception flags, NaN boxing, canonical NaN,
# saturating conversions, fmin/fmax, comparisons, fclass, fused multiply-add. Expected values
# were computed with exact rational arithmetic (Python fractions), not with the emulator.
.include "harness.inc"

# single op with rounding mode: a0 = bits(inst(a, b)), fflags must equal flags
.macro S3 n, inst, rm, exp, flags, a, b
    li gp, \n
    li t1, \a
    fmv.w.x fa1, t1
    li t1, \b
    fmv.w.x fa2, t1
    fsflags zero
    \inst fa0, fa1, fa2, \rm
    fmv.x.w a0, fa0
    slli a0, a0, 32
    srli a0, a0, 32
    li t0, \exp
    bne a0, t0, fail
    frflags a1
    li t0, \flags
    bne a1, t0, fail
.endm

.macro S2 n, inst, exp, flags, a, b      # single op without rounding mode
    li gp, \n
    li t1, \a
    fmv.w.x fa1, t1
    li t1, \b
    fmv.w.x fa2, t1
    fsflags zero
    \inst fa0, fa1, fa2
    fmv.x.w a0, fa0
    slli a0, a0, 32
    srli a0, a0, 32
    li t0, \exp
    bne a0, t0, fail
    frflags a1
    li t0, \flags
    bne a1, t0, fail
.endm

.macro D3 n, inst, rm, exp, flags, a, b
    li gp, \n
    li t1, \a
    fmv.d.x fa1, t1
    li t1, \b
    fmv.d.x fa2, t1
    fsflags zero
    \inst fa0, fa1, fa2, \rm
    fmv.x.d a0, fa0
    li t0, \exp
    bne a0, t0, fail
    frflags a1
    li t0, \flags
    bne a1, t0, fail
.endm

.macro D2 n, inst, exp, flags, a, b
    li gp, \n
    li t1, \a
    fmv.d.x fa1, t1
    li t1, \b
    fmv.d.x fa2, t1
    fsflags zero
    \inst fa0, fa1, fa2
    fmv.x.d a0, fa0
    li t0, \exp
    bne a0, t0, fail
    frflags a1
    li t0, \flags
    bne a1, t0, fail
.endm

.macro CMP n, inst, exp, flags, a, b      # comparisons write an integer register
    li gp, \n
    li t1, \a
    fmv.d.x fa1, t1
    li t1, \b
    fmv.d.x fa2, t1
    fsflags zero
    \inst a0, fa1, fa2
    li t0, \exp
    bne a0, t0, fail
    frflags a1
    li t0, \flags
    bne a1, t0, fail
.endm

.macro TOINT n, inst, rm, exp, flags, a  # double/single (boxed by fmv.d.x) to integer
    li gp, \n
    li t1, \a
    fmv.d.x fa1, t1
    fsflags zero
    \inst a0, fa1, \rm
    li t0, \exp
    bne a0, t0, fail
    frflags a1
    li t0, \flags
    bne a1, t0, fail
.endm

.macro TOFP n, inst, rm, exp, flags, a    # integer to double; exp compared on all 64 bits
    li gp, \n
    li t1, \a
    fsflags zero
    \inst fa0, t1, \rm
    fmv.x.d a0, fa0
    li t0, \exp
    bne a0, t0, fail
    frflags a1
    li t0, \flags
    bne a1, t0, fail
.endm

.macro TOFPX n, inst, exp, a               # exact integer to double conversions take no rm
    li gp, \n
    li t1, \a
    fsflags zero
    \inst fa0, t1
    fmv.x.d a0, fa0
    li t0, \exp
    bne a0, t0, fail
    frflags a1
    bnez a1, fail
.endm

.section .text
.globl _start
_start:
    li t0, 0x6000
    csrs mstatus, t0                     # FS = dirty: the FPU is on

    S3 1, fadd.s, rne, 0x40400000, 0, 0x3f800000, 0x40000000
    S3 2, fdiv.s, rne, 0x3eaaaaab, 1, 0x3f800000, 0x40400000
    S3 3, fdiv.s, rtz, 0x3eaaaaaa, 1, 0x3f800000, 0x40400000
    S3 4, fdiv.s, rdn, 0x3eaaaaaa, 1, 0x3f800000, 0x40400000
    S3 5, fdiv.s, rup, 0x3eaaaaab, 1, 0x3f800000, 0x40400000
    S3 6, fdiv.s, rdn, 0xbeaaaaab, 1, 0xbf800000, 0x40400000
    S3 7, fdiv.s, rup, 0xbeaaaaaa, 1, 0xbf800000, 0x40400000
    S3 8, fadd.s, rne, 0x3f800000, 1, 0x3f800000, 0x33800000   # tie: even
    S3 9, fadd.s, rmm, 0x3f800001, 1, 0x3f800000, 0x33800000   # tie: away
    S3 10, fadd.s, rup, 0x3f800001, 1, 0x3f800000, 0x33800000
    S3 11, fmul.s, rne, 0x7f800000, 5, 0x7f7fffff, 0x40000000  # overflow: inf, OF|NX
    S3 12, fmul.s, rtz, 0x7f7fffff, 5, 0x7f7fffff, 0x40000000  # overflow: max finite
    S3 13, fmul.s, rne, 0x00400000, 3, 0x00800001, 0x3f000000  # subnormal tie: UF|NX
    S3 14, fmul.s, rup, 0x00400001, 3, 0x00800001, 0x3f000000
    S3 15, fmul.s, rne, 0x00400000, 0, 0x00800000, 0x3f000000  # exact subnormal: no flag
    S3 16, fdiv.s, rne, 0x7f800000, 8, 0x3f800000, 0x00000000  # divide by zero: DZ
    S3 17, fsub.s, rne, 0x7fc00000, 16, 0x7f800000, 0x7f800000 # inf - inf: canonical NaN, NV
    S3 18, fadd.s, rne, 0x7fc00000, 16, 0x7f800001, 0x3f800000 # signaling NaN input: NV
    S3 19, fadd.s, rne, 0x7fc00000, 0, 0x7fc12345, 0x3f800000  # quiet NaN: canonical, no flag
    S3 20, fsub.s, rdn, 0x80000000, 0, 0x3f800000, 0x3f800000  # x - x = -0 rounding down
    S3 21, fsub.s, rne, 0x00000000, 0, 0x3f800000, 0x3f800000

    D3 30, fdiv.d, rne, 0x3fd5555555555555, 1, 0x3ff0000000000000, 0x4008000000000000
    D3 31, fdiv.d, rup, 0x3fd5555555555556, 1, 0x3ff0000000000000, 0x4008000000000000
    D3 32, fdiv.d, rdn, 0xbfd5555555555556, 1, 0xbff0000000000000, 0x4008000000000000
    D3 33, fdiv.d, rtz, 0xbfd5555555555555, 1, 0xbff0000000000000, 0x4008000000000000
    D3 34, fadd.d, rne, 0x3ff0000000000000, 1, 0x3ff0000000000000, 0x3ca0000000000000
    D3 35, fadd.d, rmm, 0x3ff0000000000001, 1, 0x3ff0000000000000, 0x3ca0000000000000
    D3 36, fmul.d, rne, 0x7ff0000000000000, 5, 0x7fefffffffffffff, 0x4000000000000000
    D3 37, fmul.d, rtz, 0x7fefffffffffffff, 5, 0x7fefffffffffffff, 0x4000000000000000
    D3 38, fdiv.d, rne, 0xfff0000000000000, 8, 0xbff0000000000000, 0x0000000000000000
    D3 39, fsub.d, rne, 0x7ff8000000000000, 16, 0x7ff0000000000000, 0x7ff0000000000000

    li gp, 40                            # fsqrt: exact, inexact and invalid
    li t1, 0x4010000000000000            # 4.0
    fmv.d.x fa1, t1
    fsflags zero
    fsqrt.d fa0, fa1
    fmv.x.d a0, fa0
    li t0, 0x4000000000000000
    bne a0, t0, fail
    frflags a1
    bnez a1, fail
    li gp, 41
    li t1, 0xbff0000000000000            # sqrt(-1)
    fmv.d.x fa1, t1
    fsqrt.d fa0, fa1
    fmv.x.d a0, fa0
    li t0, 0x7ff8000000000000
    bne a0, t0, fail
    frflags a1
    li t0, 16
    bne a1, t0, fail
    li gp, 42
    li t1, 0x40000000                    # sqrt(2.0f) rounds: NX
    fmv.w.x fa1, t1
    fsflags zero
    fsqrt.s fa0, fa1, rtz
    fmv.x.w a0, fa0
    li t0, 0x3fb504f3
    bne a0, t0, fail
    frflags a1
    li t0, 1
    bne a1, t0, fail

    li gp, 50                            # NaN boxing
    li t1, 0x0000000040400000            # not boxed: reads as the canonical NaN
    fmv.d.x fa1, t1
    li t1, 0x3f800000
    fmv.w.x fa2, t1
    fadd.s fa0, fa1, fa2
    fmv.x.d a0, fa0
    li t0, 0xffffffff7fc00000            # result boxed, canonical NaN
    bne a0, t0, fail
    li gp, 51
    la s0, fdata
    flw fa3, 0(s0)                       # flw boxes
    fmv.x.d a0, fa3
    li t0, 0xffffffffbf800000
    bne a0, t0, fail
    fmv.x.w a0, fa3                      # fmv.x.w sign-extends the low word
    CHECK 52, a0, 0xffffffffbf800000
    fsw fa3, 8(s0)
    lwu a0, 8(s0)
    CHECK 53, a0, 0xbf800000
    fsgnjn.s fa4, fa3, fa3               # fneg of a boxed single stays boxed
    fmv.x.d a0, fa4
    CHECK 54, a0, 0xffffffff3f800000

    S2 60, fmin.s, 0x80000000, 0, 0x00000000, 0x80000000     # -0 < +0
    S2 61, fmax.s, 0x00000000, 0, 0x80000000, 0x00000000
    S2 62, fmin.s, 0x40000000, 16, 0x7f800001, 0x40000000    # signaling NaN: other operand, NV
    S2 63, fmax.s, 0x40000000, 0, 0x7fc00000, 0x40000000     # quiet NaN: other operand
    S2 64, fmax.s, 0x7fc00000, 0, 0x7fc00000, 0xffc00001     # both NaN: canonical
    S2 65, fsgnj.s, 0xbf800000, 0, 0x3f800000, 0x80000000
    S2 66, fsgnjx.s, 0x3f800000, 0, 0xbf800000, 0x80000000
    D2 67, fmin.d, 0xbff0000000000000, 0, 0xbff0000000000000, 0x7ff8000000000000
    D2 68, fsgnjn.d, 0x3ff0000000000000, 0, 0x3ff0000000000000, 0x8000000000000000

    CMP 70, feq.d, 0, 0, 0x7ff8000000000000, 0x3ff0000000000000   # quiet: no NV
    CMP 71, flt.d, 0, 16, 0x7ff8000000000000, 0x3ff0000000000000  # signaling compare: NV
    CMP 72, feq.d, 0, 16, 0x7ff0000000000001, 0x3ff0000000000000  # sNaN: NV even for feq
    CMP 73, fle.d, 1, 0, 0x8000000000000000, 0x0000000000000000
    CMP 74, flt.d, 1, 0, 0xbff0000000000000, 0x3ff0000000000000
    CMP 75, feq.s, 1, 0, 0xffffffff3f800000, 0xffffffff3f800000

    li gp, 80                            # fclass
    li t1, 0xfff0000000000000
    fmv.d.x fa1, t1
    fclass.d a0, fa1
    CHECK 81, a0, 0x001
    fmv.d.x fa1, zero
    fclass.d a0, fa1
    CHECK 82, a0, 0x010
    li t1, 0x7f800001
    fmv.w.x fa1, t1
    fclass.s a0, fa1
    CHECK 83, a0, 0x100
    li t1, 0x00000001
    fmv.w.x fa1, t1
    fclass.s a0, fa1
    CHECK 84, a0, 0x020
    li t1, 0x7ff8000000000000
    fmv.d.x fa1, t1
    fclass.d a0, fa1
    CHECK 85, a0, 0x200
    li t1, 0xc000000000000000
    fmv.d.x fa1, t1
    fclass.d a0, fa1
    CHECK 86, a0, 0x002

    TOINT 90, fcvt.w.d, rne, 2, 1, 0x4004000000000000          # 2.5 -> 2 (even)
    TOINT 91, fcvt.w.d, rmm, 3, 1, 0x4004000000000000
    TOINT 92, fcvt.w.d, rup, 3, 1, 0x4004000000000000
    TOINT 93, fcvt.w.d, rtz, -2, 1, 0xc004000000000000
    TOINT 94, fcvt.w.d, rdn, -3, 1, 0xc004000000000000
    TOINT 95, fcvt.w.d, rtz, 0x7fffffff, 16, 0x41e65a0bc0000000 # 3e9: saturates, NV
    TOINT 96, fcvt.w.d, rtz, 0x7fffffff, 16, 0x7ff8000000000000 # NaN: largest, NV
    TOINT 97, fcvt.w.d, rtz, 0xffffffff80000000, 16, 0xfff0000000000000
    TOINT 98, fcvt.wu.d, rtz, 0, 16, 0xbff0000000000000         # -1 -> 0, NV
    TOINT 99, fcvt.wu.d, rtz, 0, 1, 0xbfe0000000000000          # -0.5 -> 0, only NX
    TOINT 100, fcvt.wu.d, rtz, 0xffffffffb2d05e00, 0, 0x41e65a0bc0000000  # 3e9 fits, sign-extended
    TOINT 101, fcvt.l.d, rtz, 0x7fffffffffffffff, 16, 0x43e0000000000000  # 2^63
    TOINT 102, fcvt.lu.d, rtz, 0xf9ccd8a1c5080000, 0, 0x43ef399b1438a100  # 1.8e19
    TOINT 103, fcvt.lu.d, rtz, -1, 16, 0x7ff0000000000000
    TOINT 104, fcvt.l.s, rtz, -1, 0, 0xffffffffbf800000         # single -1.0

    TOFP 110, fcvt.d.lu, rne, 0x43f0000000000000, 1, -1
    TOFP 111, fcvt.d.lu, rtz, 0x43efffffffffffff, 1, -1
    TOFPX 112, fcvt.d.w, 0xc000000000000000, 0xfffffffe
    TOFPX 113, fcvt.d.wu, 0x41efffffffc00000, 0xfffffffe
    TOFP 114, fcvt.s.l, rne, 0xffffffff5d800001, 1, 0x1000001000000001  # no double rounding
    TOFP 115, fcvt.s.l, rtz, 0xffffffff5d800000, 1, 0x1000001000000001

    li gp, 120                           # fcvt.s.d rounds, fcvt.d.s of sNaN is invalid
    li t1, 0x3fd5555555555555
    fmv.d.x fa1, t1
    fsflags zero
    fcvt.s.d fa0, fa1, rtz
    fmv.x.w a0, fa0
    slli a0, a0, 32
    srli a0, a0, 32
    li t0, 0x3eaaaaaa
    bne a0, t0, fail
    li gp, 121
    li t1, 0xffffffff7f800001
    fmv.d.x fa1, t1
    fsflags zero
    fcvt.d.s fa0, fa1
    fmv.x.d a0, fa0
    li t0, 0x7ff8000000000000
    bne a0, t0, fail
    frflags a1
    li t0, 16
    bne a1, t0, fail

    li gp, 130                           # fused multiply-add: one rounding
    li t1, 0x3ff0000000400000            # 1 + 2^-30
    fmv.d.x fa1, t1
    li t1, 0xbff0000000800000            # -(1 + 2^-29)
    fmv.d.x fa2, t1
    fmadd.d fa0, fa1, fa1, fa2
    fmv.x.d a0, fa0
    li t0, 0x3c30000000000000            # 2^-60, lost by a separate multiply and add
    bne a0, t0, fail
    li gp, 131
    li t1, 0x3f800800
    fmv.w.x fa1, t1
    li t1, 0xbf801000
    fmv.w.x fa2, t1
    fmadd.s fa0, fa1, fa1, fa2
    fmv.x.w a0, fa0
    li t0, 0x33800000
    bne a0, t0, fail
    li gp, 132
    li t1, 0x4000000000000000            # 2
    fmv.d.x fa1, t1
    li t1, 0x4008000000000000            # 3
    fmv.d.x fa2, t1
    li t1, 0x3ff0000000000000            # 1
    fmv.d.x fa3, t1
    fmsub.d fa0, fa1, fa2, fa3           # 5
    fmv.x.d a0, fa0
    CHECK 133, a0, 0x4014000000000000
    fnmsub.d fa0, fa1, fa2, fa3          # -5
    fmv.x.d a0, fa0
    CHECK 134, a0, 0xc014000000000000
    fnmadd.d fa0, fa1, fa2, fa3          # -7
    fmv.x.d a0, fa0
    CHECK 135, a0, 0xc01c000000000000

    li gp, 140                           # dynamic rounding mode from frm, fcsr layout
    fsrmi 1                              # RTZ
    li t1, 0x40000000
    fmv.w.x fa1, t1
    li t1, 0x40400000
    fmv.w.x fa2, t1
    fsflags zero
    fdiv.s fa0, fa1, fa2                 # 2/3, dyn
    fmv.x.w a0, fa0
    slli a0, a0, 32
    srli a0, a0, 32
    li t0, 0x3f2aaaaa
    bne a0, t0, fail
    frcsr a0
    CHECK 141, a0, 0x21                  # frm=1 in bits 7:5, NX in fflags
    fscsr zero
    frrm a0
    CHECK 142, a0, 0
    j pass

fail: FAIL_AND_HALT
pass: PASS_AND_HALT

.section .data
.balign 8
fdata: .word 0xbf800000, 0, 0, 0
