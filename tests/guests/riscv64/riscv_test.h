/* Shared scaffolding for the RISC-V ISA test programs (preprocessed .S).
 *
 * A program is
 *     #include "riscv_test.h"
 *     RVTEST_BEGIN
 *         ... tests: set TESTNUM, check, branch to `fail` on a mismatch ...
 *     RVTEST_PASS
 *     ... helpers, handlers ...
 *     RVTEST_END
 * Linked with link.ld, it starts in M-mode at 0x8000_0000 and reports through HTIF's tohost:
 * 1 = pass, (TESTNUM << 1) | 1 = failure of test TESTNUM. An unexpected trap
 * fails the current test. Registers gp (TESTNUM) and t6 (scratch) are
 * reserved by the macros.
 *
 * TESTNUM starts at RVTEST_SETUP_NUM, not 0: (0 << 1) | 1 would be the pass
 * code, so a trap or failed check in the setup code before the first numbered
 * test would report success. Tests are numbered 1 .. RVTEST_SETUP_NUM - 1;
 * riscv_isa_runner reports RVTEST_SETUP_NUM as "failed in setup" and
 * `kite run --firmware none` exits with it as the status. */

#define TESTNUM gp
#define RVTEST_SETUP_NUM 255

#define RVTEST_BEGIN                                                          \
    .text;                                                                    \
    .globl _start;                                                            \
_start:                                                                       \
    li TESTNUM, RVTEST_SETUP_NUM;                                             \
    lla t0, unexpected_trap;                                                   \
    csrw mtvec, t0;                                                           \
    /* One PMP region granting everything, so S/U code may run on hosts   \
       that enforce PMP (Kite stores PMP registers but does not check). */ \
    li t0, -1;                                                                \
    csrw pmpaddr0, t0;                                                        \
    li t0, 0x1f;                                                              \
    csrw pmpcfg0, t0;                                                         \
    lla sp, stack_top;

#define RVTEST_PASS j pass

#define RVTEST_END                                                            \
pass:                                                                         \
    li t0, 1;                                                                 \
    lla t1, tohost;                                                            \
    sd t0, 0(t1);                                                             \
1:  j 1b;                                                                     \
fail:                                                                         \
    slli t0, TESTNUM, 1;                                                      \
    ori t0, t0, 1;                                                            \
    lla t1, tohost;                                                            \
    sd t0, 0(t1);                                                             \
2:  j 2b;                                                                     \
    .align 2;                                                                 \
unexpected_trap:                                                              \
    j fail;                                                                   \
    .bss;                                                                     \
    .align 12;                                                                \
stack_bottom:                                                                 \
    .skip 8192;                                                               \
stack_top:                                                                    \
    .section .tohost, "aw", @progbits;                                        \
    .align 6;                                                                 \
    .globl tohost;                                                            \
    .type tohost, @object;                                                    \
    .size tohost, 8;                                                          \
tohost: .dword 0;                                                             \
    .align 6;                                                                 \
    .globl fromhost;                                                          \
    .type fromhost, @object;                                                  \
    .size fromhost, 8;                                                        \
fromhost: .dword 0;

/* Fails the current test unless `reg` equals `value` (clobbers t6). */
#define CHECK(reg, value)                                                     \
    li t6, value;                                                             \
    bne reg, t6, fail;

/* rd = inst(v1, v2) checked against `expected`; a0 is the result. */
#define TEST_RR(n, inst, expected, v1, v2)                                    \
    li TESTNUM, n;                                                            \
    li a1, v1;                                                                \
    li a2, v2;                                                                \
    inst a0, a1, a2;                                                          \
    CHECK(a0, expected)

#define TEST_RI(n, inst, expected, v1, imm)                                   \
    li TESTNUM, n;                                                            \
    li a1, v1;                                                                \
    inst a0, a1, imm;                                                         \
    CHECK(a0, expected)

#define TEST_R1(n, inst, expected, v1)                                        \
    li TESTNUM, n;                                                            \
    li a1, v1;                                                                \
    inst a0, a1;                                                              \
    CHECK(a0, expected)

/* Points the trap vector `csr` (mtvec or stvec) at `label` (clobbers t0). */
#define SET_TVEC(csr, label)                                                  \
    lla t0, label;                                                            \
    csrw csr, t0

/* FP programs: fflags bits, */
#define NX 1
#define UF 2
#define OF 4
#define DZ 8
#define NV 16

/* freg = the single (FSET_S) or double (FSET_D) bit pattern v (clobbers t0), */
#define FSET_S(freg, v)                                                       \
    li t0, v;                                                                 \
    fmv.w.x freg, t0
#define FSET_D(freg, v)                                                       \
    li t0, v;                                                                 \
    fmv.d.x freg, t0

/* and a check: runs the instructions (last, they have commas) with fflags
 * cleared, then checks a0 against `expected` and the fflags they raised
 * against `flags` (clobbers a1). */
#define FP_CHECK(expected, flags, ...)                                        \
    fsflags zero;                                                             \
    __VA_ARGS__;                                                              \
    CHECK(a0, expected);                                                      \
    frflags a1;                                                               \
    CHECK(a1, flags)

/* mstatus / mip bits and causes used by several programs. */
#define MSTATUS_SIE (1 << 1)
#define MSTATUS_MIE (1 << 3)
#define MSTATUS_SPIE (1 << 5)
#define MSTATUS_MPIE (1 << 7)
#define MSTATUS_SPP (1 << 8)
#define MSTATUS_MPP (3 << 11)
#define MSTATUS_MPP_S (1 << 11)
#define MSTATUS_FS (3 << 13)
#define MSTATUS_FS_INITIAL (1 << 13)
#define MSTATUS_MPRV (1 << 17)
#define MSTATUS_SUM (1 << 18)
#define MSTATUS_MXR (1 << 19)
#define MIP_SSIP (1 << 1)
#define MIP_STIP (1 << 5)
#define CAUSE_ILLEGAL 2
#define CAUSE_BREAKPOINT 3
#define CAUSE_ECALL_U 8
#define CAUSE_ECALL_S 9
#define CAUSE_ECALL_M 11
#define CAUSE_FETCH_PAGE_FAULT 12
#define CAUSE_LOAD_PAGE_FAULT 13
#define CAUSE_STORE_PAGE_FAULT 15
#define INTERRUPT (1 << 63)
