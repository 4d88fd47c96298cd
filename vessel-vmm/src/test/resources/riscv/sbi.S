# An S-mode "kernel" entered as Linux is (a0 = hart id, a1 = DTB) that exercises the SBI
# implemented by the machine: BASE, console, TIME, IPI, RFENCE, HSM and finally SRST shutdown.
.include "harness.inc"
.equ SBI_BASE, 0x10
.equ SBI_TIME, 0x54494D45
.equ SBI_IPI, 0x735049
.equ SBI_RFENCE, 0x52464E43
.equ SBI_HSM, 0x48534D
.equ SBI_SRST, 0x53525354
.equ SBI_DBCN, 0x4442434E

.macro SBI eid, fid
    li a7, \eid
    li a6, \fid
    ecall
.endm

.section .text
.option norvc
.globl _start
_start:
    li gp, 1
    bnez a0, fail                        # booted on hart 0
    lwu t0, 0(a1)                        # DTB magic 0xd00dfeed, big-endian
    li t1, 0xedfe0dd0
    bne t0, t1, fail
    csrr t0, sstatus                     # S-mode: sstatus is readable
    la t0, s_trap
    csrw stvec, t0

    li gp, 2
    SBI SBI_BASE, 0                      # spec version 2.0
    bnez a0, fail
    li t0, 2 << 24
    bne a1, t0, fail
    li gp, 3
    li a0, SBI_HSM
    SBI SBI_BASE, 3                      # probe_extension
    li t0, 1
    bne a1, t0, fail
    li a0, 0x0A000000
    SBI SBI_BASE, 3
    bnez a1, fail
    li gp, 4
    SBI 0x99999, 0                       # unknown extension: NOT_SUPPORTED
    li t0, -2
    bne a0, t0, fail

    li a0, 'O'                           # legacy console putchar and DBCN write_byte
    li a7, 1
    ecall
    li a0, 'K'
    SBI SBI_DBCN, 2
    la a1, newline
    li a0, 1
    li a2, 0
    SBI SBI_DBCN, 0

    li gp, 5                             # TIME: set_timer raises a supervisor timer interrupt
    li s1, 0
    li t0, 1 << 5
    csrs sie, t0
    csrsi sstatus, 1 << 1
    rdtime a0
    li t0, 2000
    add a0, a0, t0
    SBI SBI_TIME, 0
    csrci sstatus, 1 << 1                # test the flag with interrupts off: no lost wake-up
1:  bnez s1, 5f
    wfi                                  # wakes on a pending enabled interrupt even with SIE off
    csrsi sstatus, 1 << 1                # take it here
    csrci sstatus, 1 << 1
    j 1b
5:  csrsi sstatus, 1 << 1
    li t0, 0x8000000000000005
    bne s2, t0, fail

    li gp, 6                             # IPI to ourselves: supervisor software interrupt
    li s1, 0
    li t0, 1 << 1
    csrs sie, t0
    li a0, 1
    li a1, 0
    SBI SBI_IPI, 0
    bnez a0, fail
2:  beqz s1, 2b
    li t0, 0x8000000000000001
    bne s2, t0, fail

    li gp, 7                             # RFENCE on both harts
    li a0, 3
    li a1, 0
    li a2, 0
    li a3, -1
    SBI SBI_RFENCE, 1
    bnez a0, fail

    li gp, 8                             # HSM: hart 1 is stopped, starts with a0/a1, stops itself
    li a0, 1
    SBI SBI_HSM, 2
    li t0, 1
    bne a1, t0, fail
    li a0, 1
    la a1, secondary
    li a2, 0x1234
    SBI SBI_HSM, 0
    bnez a0, fail
    la s3, flag
3:  ld t0, 0(s3)
    beqz t0, 3b
    li t0, 0x1234 + 1                    # hart 1 stored a1 + a0
    bne t0, t0, fail
    ld t0, 8(s3)
    li t1, 0x1235
    bne t0, t1, fail
4:  li a0, 1                             # wait until it reports STOPPED again
    SBI SBI_HSM, 2
    li t0, 1
    bne a1, t0, 4b

    li a0, 0                             # SRST: shutdown, no reason -> status 0
    li a1, 0
    SBI SBI_SRST, 0
    j fail

secondary:
    add t0, a0, a1
    la t1, flag
    sd t0, 8(t1)
    li t0, 1
    amoswap.d zero, t0, (t1)
    SBI SBI_HSM, 1                       # hart_stop does not return
    j fail

fail: FAIL_AND_HALT

.balign 4
s_trap:
    csrr s2, scause
    li s1, 1
    li t5, 1 << 1
    csrc sip, t5                         # acknowledge a software interrupt
    li t5, -1
    mv t4, a0
    mv t3, a6
    mv t2, a7
    mv a0, t5                            # disarm the timer
    li a7, SBI_TIME
    li a6, 0
    ecall
    mv a0, t4
    mv a6, t3
    mv a7, t2
    sret

.section .data
.balign 8
flag: .dword 0, 0
newline: .byte 10
