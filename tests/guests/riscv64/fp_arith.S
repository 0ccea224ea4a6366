# F and D arithmetic: results and fflags, static rounding modes and the
# dynamic mode from frm, fused multiply-add forms, min/max, sign injection.
#include "riscv_test.h"

/* Runs the instruction (last, it has commas) on f1 = a, f2 = b (single bit
 * patterns; f4 set by the caller) and checks f3 and fflags. */
#define TEST_S(n, expected, flags, a, b, ...)                                \
    li TESTNUM, n;                                                            \
    FSET_S(f1, a);                                                            \
    FSET_S(f2, b);                                                            \
    FP_CHECK(expected, flags, __VA_ARGS__; fmv.x.w a0, f3; slli a0, a0, 32; srli a0, a0, 32)

#define TEST_D(n, expected, flags, a, b, ...)                                \
    li TESTNUM, n;                                                            \
    FSET_D(f1, a);                                                            \
    FSET_D(f2, b);                                                            \
    FP_CHECK(expected, flags, __VA_ARGS__; fmv.x.d a0, f3)

#define ONE 0x3f800000
#define TWO 0x40000000
#define THREE 0x40400000
#define HALF 0x3f000000

RVTEST_BEGIN
    li t0, MSTATUS_FS_INITIAL
    csrs mstatus, t0
    fsrm zero                                   # RNE

    TEST_S(1, THREE, 0, ONE, TWO, fadd.s f3, f1, f2)
    TEST_S(2, 0xbf800000, 0, ONE, TWO, fsub.s f3, f1, f2)
    TEST_S(3, 0x40c00000, 0, TWO, THREE, fmul.s f3, f1, f2)
    TEST_S(4, 0x3eaaaaab, NX, ONE, THREE, fdiv.s f3, f1, f2)
    TEST_S(5, 0x3eaaaaaa, NX, ONE, THREE, fdiv.s f3, f1, f2, rtz)
    TEST_S(6, 0xbeaaaaab, NX, 0xbf800000, THREE, fdiv.s f3, f1, f2, rdn)
    TEST_S(7, 0xbeaaaaaa, NX, 0xbf800000, THREE, fdiv.s f3, f1, f2, rup)
    TEST_S(8, 0x7f800000, DZ, ONE, 0, fdiv.s f3, f1, f2)
    TEST_S(9, 0x7fc00000, NV, 0, 0, fdiv.s f3, f1, f2)
    TEST_S(10, TWO, 0, 0x40800000, 0, fsqrt.s f3, f1)
    TEST_S(11, 0x7fc00000, NV, 0xbf800000, 0, fsqrt.s f3, f1)
    TEST_S(12, 0x7f800000, OF | NX, 0x7f7fffff, TWO, fmul.s f3, f1, f2)
    TEST_S(13, 0x7f7fffff, OF | NX, 0x7f7fffff, TWO, fmul.s f3, f1, f2, rtz)
    TEST_S(14, 0x00400000, UF | NX, 0x00800001, HALF, fmul.s f3, f1, f2)
    TEST_S(15, 0x00400000, 0, 0x00800000, HALF, fmul.s f3, f1, f2)     # exact subnormal: no UF
    TEST_S(16, 0x00000000, 0, ONE, 0xbf800000, fadd.s f3, f1, f2)     # x - x = +0 under RNE
    TEST_S(17, 0x80000000, 0, ONE, 0xbf800000, fadd.s f3, f1, f2, rdn) # ... and -0 under RDN

    /* Dynamic rounding through frm. */
    li TESTNUM, 20
    li t0, 1                                    # RTZ
    fsrm t0
    TEST_S(21, 0x3eaaaaaa, NX, ONE, THREE, fdiv.s f3, f1, f2)
    li t0, 3                                    # RUP
    fsrm t0
    TEST_S(22, 0x3eaaaaab, NX, ONE, THREE, fdiv.s f3, f1, f2)
    li t0, 4                                    # RMM: 1 + 2^-24 is a tie, away from zero
    fsrm t0
    TEST_S(23, 0x3f800001, NX, ONE, 0x33800000, fadd.s f3, f1, f2)
    fsrm zero
    TEST_S(24, ONE, NX, ONE, 0x33800000, fadd.s f3, f1, f2)            # RNE: to even

    /* Fused forms: 2*3 +- 1. */
    FSET_S(f4, ONE)
    TEST_S(30, 0x40e00000, 0, TWO, THREE, fmadd.s f3, f1, f2, f4)
    TEST_S(31, 0x40a00000, 0, TWO, THREE, fmsub.s f3, f1, f2, f4)
    TEST_S(32, 0xc0a00000, 0, TWO, THREE, fnmsub.s f3, f1, f2, f4)
    TEST_S(33, 0xc0e00000, 0, TWO, THREE, fnmadd.s f3, f1, f2, f4)
    fmv.w.x f4, zero
    TEST_S(34, 0x7fc00000, NV, 0x7f800000, 0, fmadd.s f3, f1, f2, f4)  # inf * 0

    /* min/max: -0 < +0, a quiet NaN loses, a signaling NaN also raises NV. */
    TEST_S(40, 0x80000000, 0, 0x00000000, 0x80000000, fmin.s f3, f1, f2)
    TEST_S(41, 0x00000000, 0, 0x80000000, 0x00000000, fmax.s f3, f1, f2)
    TEST_S(42, ONE, 0, 0x7fc00000, ONE, fmax.s f3, f1, f2)
    TEST_S(43, ONE, NV, 0x7f800001, ONE, fmin.s f3, f1, f2)
    TEST_S(44, 0x7fc00000, 0, 0x7fc00000, 0x7fc00000, fmin.s f3, f1, f2)

    /* Sign injection does not look at NaNs and raises nothing. */
    TEST_S(50, 0xbf800000, 0, ONE, 0x80000000, fsgnj.s f3, f1, f2)
    TEST_S(51, 0x3f800000, 0, ONE, 0x80000000, fsgnjn.s f3, f1, f2)
    TEST_S(52, 0x3f800000, 0, 0xbf800000, 0x80000000, fsgnjx.s f3, f1, f2)
    TEST_S(53, 0xff800001, 0, 0x7f800001, 0x80000000, fsgnj.s f3, f1, f2)

    /* Double precision. */
    TEST_D(60, 0x4008000000000000, 0, 0x3ff0000000000000, 0x4000000000000000, fadd.d f3, f1, f2)
    TEST_D(61, 0x3fd5555555555555, NX, 0x3ff0000000000000, 0x4008000000000000, fdiv.d f3, f1, f2)
    TEST_D(62, 0x3fd5555555555556, NX, 0x3ff0000000000000, 0x4008000000000000, fdiv.d f3, f1, f2, rup)
    TEST_D(63, 0x3ff6a09e667f3bcd, NX, 0x4000000000000000, 0, fsqrt.d f3, f1)
    TEST_D(64, 0x7ff0000000000000, OF | NX, 0x7fefffffffffffff, 0x4000000000000000, fmul.d f3, f1, f2)
    TEST_D(65, 0x7ff8000000000000, NV, 0x7ff0000000000000, 0x7ff0000000000000, fsub.d f3, f1, f2)
    TEST_D(66, 0x8000000000000000, 0, 0, 0x8000000000000000, fmin.d f3, f1, f2)
    TEST_D(67, 0xbff0000000000000, 0, 0x3ff0000000000000, 0, fsgnjn.d f3, f1, f2)
    FSET_D(f4, 0x3ff0000000000000)
    TEST_D(68, 0x401c000000000000, 0, 0x4000000000000000, 0x4008000000000000, fmadd.d f3, f1, f2, f4)
    TEST_D(69, 0xc01c000000000000, 0, 0x4000000000000000, 0x4008000000000000, fnmadd.d f3, f1, f2, f4)

    /* fflags accrue until cleared; fcsr holds frm and fflags. */
    li TESTNUM, 70
    fsflags zero
    FSET_S(f1, ONE)
    fmv.w.x f2, zero
    fdiv.s f3, f1, f2                           # DZ
    FSET_S(f2, THREE)
    fdiv.s f3, f1, f2                           # NX
    frflags a0
    CHECK(a0, DZ | NX)
    li TESTNUM, 71
    li t0, 2
    fsrm t0
    frcsr a0
    CHECK(a0, (2 << 5) | DZ | NX)
    li TESTNUM, 72
    li t0, 0xff
    fscsr a1, t0                                # swap: returns the old value
    CHECK(a1, (2 << 5) | DZ | NX)
    frrm a0
    CHECK(a0, 7)
    frflags a0
    CHECK(a0, 0x1f)

    /* An invalid dynamic rounding mode makes rounding instructions illegal. */
    li TESTNUM, 73
    SET_TVEC(mtvec, expect_illegal)
    li s1, 0
    fadd.s f3, f1, f2                           # frm = 7 (from fscsr above): illegal
    CHECK(s1, 1)
    li TESTNUM, 74
    li s1, 0
    fsgnj.s f3, f1, f2                          # no rounding: fine
    CHECK(s1, 0)
    li TESTNUM, 75
    fsrm zero
    li s1, 0
    .word 0x002081d3 | (5 << 12)                # fadd.s f3, f1, f2 with rm = 5: reserved
    CHECK(s1, 1)
    RVTEST_PASS

    .align 2
expect_illegal:
    csrr t0, mcause
    li t1, CAUSE_ILLEGAL
    bne t0, t1, fail
    li s1, 1
    csrr t0, mepc
    addi t0, t0, 4
    csrw mepc, t0
    mret
RVTEST_END
