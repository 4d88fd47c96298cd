# Sv39 and Sv48 paging from S-mode: gigapage identity map, a 4 KiB page three levels down,
# hardware A/D updates, permission and invalid-entry faults with the right cause and stval,
# SUM, sfence.vma after a remap, unsupported satp modes ignored, non-canonical addresses.
.include "harness.inc"

.equ PTE_V, 0x01
.equ PTE_R, 0x02
.equ PTE_W, 0x04
.equ PTE_X, 0x08
.equ PTE_U, 0x10
.equ PTE_A, 0x40
.equ PTE_D, 0x80
.equ TESTVA, 0x40000000

# \reg = PTE pointing at physical \label with \flags
.macro PTE reg, label, flags
    la \reg, \label
    srli \reg, \reg, 12
    slli \reg, \reg, 10
    ori \reg, \reg, \flags
.endm

.section .text
.option norvc                            # the fault handler skips 4 bytes
.globl _start
_start:
    la t0, m_trap
    csrw mtvec, t0
    la s0, sv39_root                     # L2[0]: 0..1 GiB (devices), L2[2]: 2..3 GiB (RAM)
    li t0, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D
    sd t0, 0(s0)
    li t1, 0x80000 << 10
    or t1, t1, t0
    sd t1, 16(s0)
    PTE t0, l1, PTE_V                    # L2[1] -> L1 -> L0 for 0x4000_0000
    sd t0, 8(s0)
    PTE t0, l0, PTE_V
    la t1, l1
    sd t0, 0(t1)
    la s1, l0
    PTE t0, page0, PTE_V | PTE_R | PTE_W          # A and D clear: hardware sets them
    sd t0, 0(s1)
    PTE t0, page1, PTE_V | PTE_R | PTE_A          # read-only
    sd t0, 8(s1)
    sd zero, 16(s1)                               # page 2 invalid
    PTE t0, page3, PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D   # user page
    sd t0, 24(s1)
    PTE t0, page4, PTE_V | PTE_R | PTE_W          # read only, then check A without D
    sd t0, 32(s1)
    la s2, sv48_root                     # Sv48: L3[0] and L3[1] both -> the Sv39 root
    PTE t0, sv39_root, PTE_V
    sd t0, 0(s2)
    sd t0, 8(s2)

    la t0, sv39_root
    srli t0, t0, 12
    li t1, 8 << 60
    or t0, t0, t1
    csrw satp, t0
    li t1, 10 << 60                      # Sv57 is not implemented: the write is ignored
    csrw satp, t1
    csrr t2, satp
    li gp, 1
    bne t2, t0, fail
    sfence.vma
    la t0, smode
    csrw mepc, t0
    li t0, 3 << 11
    csrc mstatus, t0
    li t0, 1 << 11
    csrs mstatus, t0                     # MPP = S
    mret

smode:
    li gp, 2
    li a1, TESTVA
    li t0, 0x1122334455667788
    sd t0, 16(a1)
    la t1, page0                         # the store landed in the physical page
    ld t2, 16(t1)
    bne t2, t0, fail
    ld t2, 0(s1)                         # A and D now set
    andi t2, t2, PTE_A | PTE_D
    li t0, PTE_A | PTE_D
    li gp, 3
    bne t2, t0, fail
    li t0, 4096 * 4
    add a2, a1, t0
    ld t2, 0(a2)                         # load from page 4: A set, D still clear
    ld t2, 32(s1)
    andi t2, t2, PTE_A | PTE_D
    li gp, 4
    li t0, PTE_A
    bne t2, t0, fail

    li gp, 5                             # store to the read-only page: store page fault
    li t0, 4096
    add a2, a1, t0
    sd zero, 8(a2)
    li t0, 15
    bne s3, t0, fail
    addi t0, a2, 8
    bne s4, t0, fail                     # stval = faulting virtual address
    ld t2, 8(a2)                         # loads from it work
    li gp, 6                             # invalid entry: load page fault
    li t0, 4096 * 2
    add a2, a1, t0
    ld t2, 24(a2)
    li t0, 13
    bne s3, t0, fail
    addi t0, a2, 24
    bne s4, t0, fail
    li gp, 7                             # user page from S without SUM: fault
    li s3, 0
    li t0, 4096 * 3
    add a2, a1, t0
    ld t2, 0(a2)
    li t0, 13
    bne s3, t0, fail
    li t0, 1 << 18                       # with SUM: allowed
    csrs sstatus, t0
    li s3, 0
    ld t2, 0(a2)
    bnez s3, fail
    csrc sstatus, t0
    li gp, 8                             # fetch from a non-executable page: instruction page fault
    li s3, 0
    jalr ra, 0(a1)
    li t0, 12
    bne s3, t0, fail
    bne s4, a1, fail

    li gp, 9                             # remap page 0 to page1's frame; sfence makes it visible
    ld t2, 0(a1)                         # (fill the TLB with the old mapping first)
    PTE t0, page1, PTE_V | PTE_R | PTE_A
    sd t0, 0(s1)
    sfence.vma a1
    la t1, page1
    li t0, 0xabcdef
    sd t0, 0(t1)
    ld t2, 0(a1)
    bne t2, t0, fail

    li gp, 13                            # sfence.vma of one address inside a megapage drops the
    li t0, 0x80401000                    # cached translation of another 4 KiB piece of it
    li t1, 0x1111
    sd t1, 0(t0)
    li t0, 0x80601000
    li t1, 0x2222
    sd t1, 0(t0)
    la t2, l1
    li t0, (0x80400000 >> 12) << 10 | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
    sd t0, 8(t2)                         # L1[1]: 0x4020_0000 -> 0x8040_0000, 2 MiB
    sfence.vma
    li a5, 0x40201000
    ld t1, 0(a5)
    li t0, 0x1111
    bne t1, t0, fail
    li t0, (0x80600000 >> 12) << 10 | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
    sd t0, 8(t2)                         # remap the megapage
    li a6, 0x40200000
    sfence.vma a6
    ld t1, 0(a5)
    li t0, 0x2222
    li gp, 14
    bne t1, t0, fail

    li gp, 10                            # a non-canonical Sv39 address faults
    li s3, 0
    li a3, 0x8000000000 + TESTVA
    ld t2, 0(a3)
    li t0, 13
    bne s3, t0, fail
    bne s4, a3, fail

    li gp, 11                            # switch to Sv48: the same address now maps (via L3[1])
    la t0, sv48_root
    srli t0, t0, 12
    li t1, 9 << 60
    or t0, t0, t1
    csrw satp, t0
    sfence.vma
    csrr t2, satp
    bne t2, t0, fail
    li s3, 0
    ld t2, 0(a3)
    bnez s3, fail
    li t0, 0xabcdef
    bne t2, t0, fail
    li gp, 12                            # and bit 48 set without sign extension faults
    li a4, 0x1000000000000 + TESTVA
    ld t2, 0(a4)
    li t0, 13
    bne s3, t0, fail
    j pass

fail: FAIL_AND_HALT
pass: PASS_AND_HALT

.balign 4
m_trap:                                  # record cause and tval; resume after the instruction
    csrr s3, mcause
    csrr s4, mtval
    li t6, 12
    beq s3, t6, 1f                       # fetch fault: return to the caller (ra)
    csrr t6, mepc
    addi t6, t6, 4
    csrw mepc, t6
    mret
1:  csrw mepc, ra
    mret

.section .data
.balign 4096
sv39_root: .space 4096
sv48_root: .space 4096
l1:        .space 4096
l0:        .space 4096
page0:     .space 4096
page1:     .space 4096
page3:     .space 4096
page4:     .space 4096
