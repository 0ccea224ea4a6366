# Interrupts raised by M-mode software through mip.SSIP and mip.STIP (the
# CLINT and PLIC are not part of the CPU): delegation to S, global enables,
# priority, vectored mode, M-mode delivery, and WFI waking on a pending one.
#include "riscv_test.h"

#define MIE_SSIE (1 << 1)
#define MIE_STIE (1 << 5)

RVTEST_BEGIN
    SET_TVEC(mtvec, m_handler)
    SET_TVEC(stvec, s_handler)

    /* Delegated SSI taken in S as soon as S enables it. */
    li TESTNUM, 1
    li t0, MIP_SSIP | MIP_STIP
    csrw mideleg, t0
    li t0, MIE_SSIE | MIE_STIE
    csrw mie, t0
    li t0, MIP_SSIP
    csrs mip, t0                       # pending, but S has SIE = 0
    lla a0, s_enable_and_spin
    call run_s
    CHECK(s5, INTERRUPT | 1)           # the S handler saw it
    lla t0, s_spin
    bne s6, t0, fail                   # sepc: the instruction after the enable
    csrr a0, mip
    andi a0, a0, MIP_SSIP
    CHECK(a0, 0)                       # the handler cleared it through sip

    /* Both pending: SSI has priority over STI. */
    li TESTNUM, 2
    li t0, MIP_SSIP | MIP_STIP
    csrs mip, t0
    lla a0, s_enable_and_spin
    call run_s
    CHECK(s5, INTERRUPT | 1)
    li TESTNUM, 3                      # then STI (the handler masked it in sie: unmask)
    li t0, MIE_STIE
    csrs mie, t0
    lla a0, s_enable_and_spin
    call run_s
    CHECK(s5, INTERRUPT | 5)
    li t0, MIP_STIP
    csrc mip, t0

    /* SIE = 0 keeps a delegated interrupt pending in S... */
    li TESTNUM, 4
    li t0, MIE_SSIE | MIE_STIE
    csrw mie, t0
    li t0, MIP_SSIP
    csrs mip, t0
    lla a0, s_spin_briefly
    call run_s
    CHECK(s5, -1)
    /* ... but not in U, where S interrupts are always enabled. */
    li TESTNUM, 5
    li t0, MSTATUS_SIE
    csrc mstatus, t0
    lla a0, s_spin_briefly
    call run_u
    CHECK(s5, INTERRUPT | 1)
    csrr a0, sstatus
    andi a0, a0, MSTATUS_SPP
    CHECK(a0, 0)

    /* Not delegated: the same interrupt goes to M, even from S with SIE = 0. */
    li TESTNUM, 10
    csrw mideleg, zero
    li t0, MIP_SSIP
    csrs mip, t0
    lla a0, s_spin_briefly
    call run_s
    CHECK(s5, -1)
    CHECK(s8, INTERRUPT | 1)
    li t0, MIP_SSIP
    csrc mip, t0

    /* In M: taken only with mstatus.MIE, right after setting it. */
    li TESTNUM, 20
    SET_TVEC(mtvec, m_irq_handler)
    li s8, -1
    li t0, MIP_STIP
    csrs mip, t0
    nop
    CHECK(s8, -1)                      # MIE = 0: nothing yet
    li t0, MSTATUS_MIE
    csrs mstatus, t0
3:  nop
    CHECK(s8, INTERRUPT | 5)
    lla t0, 3b
    bne s9, t0, fail                   # mepc = the instruction after csrs
    li TESTNUM, 21
    csrr a0, mstatus
    andi a0, a0, MSTATUS_MIE
    CHECK(a0, MSTATUS_MIE)             # mret restored MIE from MPIE

    /* Vectored mode: interrupt n goes to base + 4n. */
    li TESTNUM, 30
    li t0, MSTATUS_MIE
    csrc mstatus, t0
    lla t0, vector_table
    ori t0, t0, 1
    csrw mtvec, t0
    li s8, -1
    li t0, MIP_STIP
    csrs mip, t0
    li t0, MSTATUS_MIE
    csrs mstatus, t0
    nop
    CHECK(s8, 5)                       # the vector slot that ran
    li t0, MSTATUS_MIE
    csrc mstatus, t0

    /* WFI returns when an enabled interrupt is pending, even with MIE = 0. */
    li TESTNUM, 40
    li t0, MIP_STIP
    csrs mip, t0
    li t0, MIE_STIE
    csrw mie, t0
    wfi
    csrc mip, t0
    csrw mie, zero
    RVTEST_PASS

/* Runs a0 in S (run_s) or U (run_u); it ends with ecall, which the M handler
 * turns into a return to our caller. */
run_s:
    li t0, MSTATUS_MPP
    csrc mstatus, t0
    li t0, MSTATUS_MPP_S
    csrs mstatus, t0
    j 1f
run_u:
    li t0, MSTATUS_MPP
    csrc mstatus, t0
1:  csrw mepc, a0
    mv s11, ra
    li s8, -1
    li s5, -1
    li s6, -1
    SET_TVEC(mtvec, m_handler)
    mret

s_enable_and_spin:
    csrsi sstatus, MSTATUS_SIE
s_spin:
    nop
    nop
    csrci sstatus, MSTATUS_SIE
    ecall

s_spin_briefly:
    nop
    nop
    nop
    ecall

    .align 2
s_handler:                             # records the first interrupt of a run
    csrr t2, scause
    li t0, -1
    bne s5, t0, 2f
    mv s5, t2
    csrr s6, sepc
2:  csrci sip, MIP_SSIP                # SSIP is writable by S
    slli t0, t2, 1
    srli t0, t0, 1
    li t1, 5
    bne t0, t1, 3f
    li t0, MIE_STIE                    # STIP is not: mask it instead
    csrc sie, t0
3:  sret

    .align 2
m_handler:                             # ecall from S/U: return to run_s's caller
    csrr s7, mcause
    bltz s7, 4f
    li t0, MSTATUS_MPP
    csrs mstatus, t0
    li t0, MSTATUS_MPIE                # resume M with MIE = 0 whatever S/U had
    csrc mstatus, t0
    csrw mepc, s11
    mret
4:  mv s8, s7                          # an interrupt: record it and mask it in M's view
    li t0, MIP_SSIP | MIP_STIP
    csrc mip, t0
    mret

    .align 2
m_irq_handler:
    csrr s8, mcause
    csrr s9, mepc
    li t0, MIP_STIP
    csrc mip, t0
    mret

    .align 2
    .option push
    .option norvc                       # 4-byte slots
vector_table:
    j fail                              # 0: exceptions
    j fail
    j fail
    j fail
    j fail
    j vector_sti                        # 5: supervisor timer
    j fail
    j fail
    .option pop
vector_sti:
    li s8, 5
    li t0, MIP_STIP
    csrc mip, t0
    mret
RVTEST_END
