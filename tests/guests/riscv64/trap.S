# Traps: ecall from each mode with and without delegation, illegal
# instruction (mtval = instruction bits), breakpoint (mtval = pc), access
# faults, misaligned loads/stores working, xRET state and privilege checks.
#
# The M handler records mcause/mepc/mtval/mstatus in s8/s9/s10/s4, then
# resumes M-mode at s11. The S handler (for delegated traps) records scause/sepc/stval in
# s5/s6/s7 and ecalls to M.
#include "riscv_test.h"

/* Runs `label` in mode `mpp` (0 = U, 1 = S, 3 = M) and resumes at 1f. */
#define RUN_IN(mpp, label)                                                    \
    li t0, MSTATUS_MPP;                                                       \
    csrc mstatus, t0;                                                         \
    li t0, (mpp) << 11;                                                       \
    csrs mstatus, t0;                                                         \
    lla t0, label;                                                            \
    csrw mepc, t0;                                                            \
    lla s11, 1f;                                                              \
    li s8, -1;                                                                \
    li s5, -1;                                                                \
    mret;                                                                     \
1:

RVTEST_BEGIN
    SET_TVEC(mtvec, m_handler)
    SET_TVEC(stvec, s_handler)

    /* ecall causes by mode, no delegation */
    li TESTNUM, 1
    RUN_IN(3, do_ecall)
    CHECK(s8, CAUSE_ECALL_M)
    lla t0, do_ecall
    bne s9, t0, fail
    CHECK(s10, 0)
    li TESTNUM, 2
    RUN_IN(1, do_ecall)
    CHECK(s8, CAUSE_ECALL_S)
    li TESTNUM, 3
    RUN_IN(0, do_ecall)
    CHECK(s8, CAUSE_ECALL_U)
    li TESTNUM, 4                      # MPP recorded the mode we came from
    RUN_IN(1, do_ecall)
    srli a0, s4, 11
    andi a0, a0, 3
    CHECK(a0, 1)

    /* delegated: ecall from U goes to S (scause 8, SPP = U), S then ecalls to M */
    li TESTNUM, 10
    li t0, 1 << CAUSE_ECALL_U
    csrw medeleg, t0
    RUN_IN(0, do_ecall)
    CHECK(s5, CAUSE_ECALL_U)
    lla t0, do_ecall
    bne s6, t0, fail
    CHECK(s8, CAUSE_ECALL_S)           # the S handler's ecall
    li TESTNUM, 11                     # SPP = U when the S handler ran
    andi a0, s3, MSTATUS_SPP
    CHECK(a0, 0)
    li TESTNUM, 12                     # ecall from S is not delegated
    RUN_IN(1, do_ecall)
    CHECK(s5, -1)
    CHECK(s8, CAUSE_ECALL_S)
    li TESTNUM, 13                     # traps taken in M never go to S
    li t0, 0xffff
    csrw medeleg, t0
    RUN_IN(3, do_ecall)
    CHECK(s5, -1)
    CHECK(s8, CAUSE_ECALL_M)
    csrw medeleg, zero

    /* illegal instruction: mtval holds the instruction bits */
    li TESTNUM, 20
    RUN_IN(3, do_illegal32)
    CHECK(s8, CAUSE_ILLEGAL)
    CHECK(s10, 0xfffff00f)
    li TESTNUM, 21
    RUN_IN(3, do_illegal16)
    CHECK(s8, CAUSE_ILLEGAL)
    CHECK(s10, 0)
    li TESTNUM, 22                     # a CSR above the current privilege
    RUN_IN(1, do_mstatus_read)
    CHECK(s8, CAUSE_ILLEGAL)
    CHECK(s10, 0x30002573)             # csrr a0, mstatus
    li TESTNUM, 23                     # writing a read-only CSR
    RUN_IN(3, do_write_mhartid)
    CHECK(s8, CAUSE_ILLEGAL)
    li TESTNUM, 24                     # mret below M
    RUN_IN(1, do_mret)
    CHECK(s8, CAUSE_ILLEGAL)
    li TESTNUM, 25                     # sret in U
    RUN_IN(0, do_sret)
    CHECK(s8, CAUSE_ILLEGAL)
    li TESTNUM, 26                     # sret in S with TSR
    li t0, 1 << 22
    csrs mstatus, t0
    RUN_IN(1, do_sret)
    CHECK(s8, CAUSE_ILLEGAL)
    li t0, 1 << 22
    csrc mstatus, t0
    li TESTNUM, 27                     # wfi in S with TW
    li t0, 1 << 21
    csrs mstatus, t0
    RUN_IN(1, do_wfi)
    CHECK(s8, CAUSE_ILLEGAL)
    li t0, 1 << 21
    csrc mstatus, t0
    li TESTNUM, 28                     # delegated illegal instruction: stval has the bits too
    li t0, 1 << CAUSE_ILLEGAL
    csrw medeleg, t0
    RUN_IN(0, do_illegal32)
    CHECK(s5, CAUSE_ILLEGAL)
    CHECK(s7, 0xfffff00f)
    csrw medeleg, zero

    /* breakpoints: mtval = pc, also for c.ebreak */
    li TESTNUM, 30
    RUN_IN(3, do_ebreak)
    CHECK(s8, CAUSE_BREAKPOINT)
    lla t0, do_ebreak
    bne s10, t0, fail
    li TESTNUM, 31
    RUN_IN(3, do_c_ebreak)
    CHECK(s8, CAUSE_BREAKPOINT)
    lla t0, do_c_ebreak
    bne s10, t0, fail

    /* access faults: nothing at physical address 0x100 */
    li TESTNUM, 40
    RUN_IN(3, do_load_nothing)
    CHECK(s8, 5)
    CHECK(s10, 0x100)
    li TESTNUM, 41
    RUN_IN(3, do_store_nothing)
    CHECK(s8, 7)
    CHECK(s10, 0x108)
    li TESTNUM, 42
    li a0, 0x100
    RUN_IN(3, do_jump_a0)
    CHECK(s8, 1)
    CHECK(s10, 0x100)

    /* misaligned loads and stores are handled without trapping */
    li TESTNUM, 50
    RUN_IN(3, do_misaligned)
    CHECK(s8, CAUSE_ECALL_M)
    CHECK(a0, 0x0102030405060708)

    /* mret: MIE <- MPIE, MPIE <- 1, MPP <- U (here returning to M) */
    li TESTNUM, 60
    li t0, MSTATUS_MIE
    csrc mstatus, t0
    li t0, MSTATUS_MPIE
    csrs mstatus, t0
    RUN_IN(3, do_read_mstatus_then_ecall)
    andi a1, a0, MSTATUS_MIE
    CHECK(a1, MSTATUS_MIE)
    andi a1, a0, MSTATUS_MPIE
    CHECK(a1, MSTATUS_MPIE)
    li t0, MSTATUS_MPP
    and a1, a0, t0
    CHECK(a1, 0)
    li TESTNUM, 61                     # taking the ecall: MPIE <- MIE (0 here), MIE <- 0
    andi a1, s4, MSTATUS_MPIE | MSTATUS_MIE
    CHECK(a1, 0)

    /* sret: SIE <- SPIE, SPIE <- 1, SPP <- U, privilege <- SPP */
    li TESTNUM, 62
    li t0, MSTATUS_SPIE | MSTATUS_SPP
    csrs mstatus, t0
    li t0, MSTATUS_SIE
    csrc mstatus, t0
    lla t0, do_read_sstatus_then_ecall
    csrw sepc, t0
    RUN_IN(1, do_sret)
    CHECK(s8, CAUSE_ECALL_S)           # sret went to S (SPP was S)
    andi a1, a0, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP
    CHECK(a1, MSTATUS_SIE | MSTATUS_SPIE)
    RVTEST_PASS

do_ecall:
    ecall
do_illegal32:
    .word 0xfffff00f                   # MISC-MEM with funct3 = 7: reserved
do_illegal16:
    .half 0
    .half 0
do_mstatus_read:
    csrr a0, mstatus
do_write_mhartid:
    csrw mhartid, zero
do_mret:
    mret
do_sret:
    sret
do_wfi:
    wfi
do_ebreak:
    ebreak
do_c_ebreak:
    .option push
    .option rvc
    c.ebreak
    .option pop
do_load_nothing:
    li a1, 0x100
    ld a0, 0(a1)
do_store_nothing:
    li a1, 0x100
    sd a0, 8(a1)
do_jump_a0:
    jr a0
do_misaligned:
    lla a1, buffer
    li a2, 0x0102030405060708
    sd a2, 3(a1)
    ld a0, 3(a1)
    ecall
do_read_mstatus_then_ecall:
    csrr a0, mstatus
    li t0, MSTATUS_MIE                 # no interrupts are pending, but keep MIE off
    csrc mstatus, t0
    ecall
do_read_sstatus_then_ecall:
    csrr a0, sstatus
    ecall

    .align 2
m_handler:
    csrr s4, mstatus
    csrr s8, mcause
    csrr s9, mepc
    csrr s10, mtval
    li t0, MSTATUS_MPP
    csrs mstatus, t0
    csrw mepc, s11
    mret

    .align 2
s_handler:
    csrr s3, sstatus
    csrr s5, scause
    csrr s6, sepc
    csrr s7, stval
    ecall

    .data
    .align 3
buffer:
    .skip 32
RVTEST_END
