# Zicsr and the CSRs a test program can observe: misa, mscratch (all six
# instruction forms), counters (cycle, instret, time), mstatus.FS/SD and FS=Off,
# counter enables for lower modes, and the (empty) trigger CSRs.
#include "riscv_test.h"

RVTEST_BEGIN
    /* misa: RV64 with I, M, A, F, D, C, S, U. */
    li TESTNUM, 1
    csrr a0, misa
    srli a1, a0, 62
    CHECK(a1, 2)
    li TESTNUM, 2
    li t0, (1 << 0) | (1 << 2) | (1 << 3) | (1 << 5) | (1 << 8) | (1 << 12) | (1 << 18) | (1 << 20)
    and a1, a0, t0
    bne a1, t0, fail

    /* The six instruction forms on mscratch. */
    li TESTNUM, 10
    li a1, 0x1234
    csrw mscratch, a1
    csrr a0, mscratch
    CHECK(a0, 0x1234)
    li TESTNUM, 11
    li a1, 0xff00
    csrrs a0, mscratch, a1
    CHECK(a0, 0x1234)
    csrr a0, mscratch
    CHECK(a0, 0xff34)
    li TESTNUM, 12
    li a1, 0x0f0f
    csrrc a0, mscratch, a1
    CHECK(a0, 0xff34)
    csrr a0, mscratch
    CHECK(a0, 0xf030)
    li TESTNUM, 13
    csrrwi a0, mscratch, 17
    CHECK(a0, 0xf030)
    li TESTNUM, 14
    csrrsi a0, mscratch, 8
    CHECK(a0, 17)
    li TESTNUM, 15
    csrrci a0, mscratch, 1
    CHECK(a0, 25)
    csrr a0, mscratch
    CHECK(a0, 24)
    li TESTNUM, 16
    li a1, 5
    csrrw a1, mscratch, a1             # rd == rs1: old value out, new value in
    CHECK(a1, 24)
    csrr a0, mscratch
    CHECK(a0, 5)

    /* Counters move forward. */
    li TESTNUM, 20
    rdcycle a0
    nop
    rdcycle a1
    bleu a1, a0, fail
    li TESTNUM, 21
    rdinstret a0
    rdinstret a1
    bleu a1, a0, fail
    li TESTNUM, 22
    rdtime a0
    li t0, 100000
1:  addi t0, t0, -1
    bnez t0, 1b
    rdtime a1
    bleu a1, a0, fail

    /* mstatus.FS: Initial, then Dirty (and SD) after an FP write. */
    li TESTNUM, 30
    li t0, MSTATUS_FS
    csrc mstatus, t0
    li t0, MSTATUS_FS_INITIAL
    csrs mstatus, t0
    csrr a0, mstatus
    bltz a0, fail                      # SD clear
    fmv.w.x f1, zero
    csrr a0, mstatus
    bgez a0, fail                      # SD set
    srli a0, a0, 13
    andi a0, a0, 3
    CHECK(a0, 3)
    li TESTNUM, 31
    li t0, MSTATUS_FS
    csrc mstatus, t0
    csrr a0, sstatus                   # SD and FS are visible in sstatus too
    bltz a0, fail
    li t0, MSTATUS_FS_INITIAL
    csrs sstatus, t0
    csrwi fflags, 1                    # writing fflags also dirties
    csrr a0, sstatus
    bgez a0, fail

    /* FS = Off: FP instructions and FP CSRs are illegal. */
    li TESTNUM, 32
    SET_TVEC(mtvec, count_illegal)
    li t0, MSTATUS_FS
    csrc mstatus, t0
    li s1, 0
    fmv.w.x f1, zero
    csrr a0, fcsr
    flw f1, 0(sp)
    CHECK(s1, 3)

    /* Counter access below M is gated by mcounteren (and scounteren for U). */
    li TESTNUM, 40
    csrw mcounteren, zero
    li s1, 0
    lla a0, s_read_cycle
    call enter_s
    CHECK(s1, 1)                       # the S-mode rdcycle trapped
    li TESTNUM, 41
    li t0, 7
    csrw mcounteren, t0
    li s1, 0
    lla a0, s_read_cycle
    call enter_s
    CHECK(s1, 0)
    li TESTNUM, 42
    csrw scounteren, zero
    li s1, 0
    lla a0, s_read_cycle
    call enter_u
    CHECK(s1, 1)
    li TESTNUM, 43
    li t0, 7
    csrw scounteren, t0
    li s1, 0
    lla a0, s_read_cycle
    call enter_u
    CHECK(s1, 0)

    /* Triggers (debug spec): none. tselect legalises to 0, where tdata1 has
       type 0; rv64mi-p-breakpoint checks this first. None of it traps. */
    li TESTNUM, 50
    li s1, 0
    li t0, 5
    csrw tselect, t0
    csrr a0, tselect
    CHECK(a0, 0)
    li TESTNUM, 51
    csrr a0, tdata1
    srli a0, a0, 60
    CHECK(a0, 0)
    li TESTNUM, 52
    csrr a0, tinfo
    CHECK(a0, 1)
    CHECK(s1, 0)
    RVTEST_PASS

/* Runs the function at a0 in S (or U) mode; it returns with ecall. The
 * handler counts illegal instructions in s1 and resumes M at our caller. */
enter_s:
    li t0, MSTATUS_MPP
    csrc mstatus, t0
    li t0, MSTATUS_MPP_S
    csrs mstatus, t0
    j 1f
enter_u:
    li t0, MSTATUS_MPP
    csrc mstatus, t0
1:  csrw mepc, a0
    mv s11, ra
    mret

s_read_cycle:
    rdcycle a0
    ecall

    .align 2
count_illegal:
    csrr t0, mcause
    li t1, CAUSE_ILLEGAL
    beq t0, t1, 2f
    li t1, CAUSE_ECALL_S
    beq t0, t1, 3f
    li t1, CAUSE_ECALL_U
    beq t0, t1, 3f
    j fail
2:  addi s1, s1, 1
    csrr t0, mepc
    lhu t1, 0(t0)                      # skip the instruction (2 or 4 bytes)
    andi t1, t1, 3
    addi t0, t0, 2
    li t2, 3
    bne t1, t2, 4f
    addi t0, t0, 2
4:  csrw mepc, t0
    mret
3:  li t0, MSTATUS_MPP                 # ecall: back to M at the saved return address
    csrs mstatus, t0
    csrw mepc, s11
    mret
RVTEST_END
