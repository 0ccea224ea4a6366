# FP conversions (with saturation and rounding), comparisons, fclass, moves,
# loads/stores and NaN-boxing of single-precision values.
#include "riscv_test.h"

/* a0 = inst(f1) where f1 holds single bits `a`; checks a0 and fflags. */
#define TEST_F2X_S(n, expected, flags, a, ...)                                \
    li TESTNUM, n;                                                            \
    FSET_S(f1, a);                                                            \
    FP_CHECK(expected, flags, __VA_ARGS__)

#define TEST_F2X_D(n, expected, flags, a, ...)                                \
    li TESTNUM, n;                                                            \
    FSET_D(f1, a);                                                            \
    FP_CHECK(expected, flags, __VA_ARGS__)

/* f3 = inst(a1 = v); checks f3's 64 raw bits and fflags. */
#define TEST_X2F(n, expected, flags, v, ...)                                  \
    li TESTNUM, n;                                                            \
    li a1, v;                                                                 \
    FP_CHECK(expected, flags, __VA_ARGS__; fmv.x.d a0, f3)

#define BOX(v) (0xffffffff00000000 | (v))

RVTEST_BEGIN
    li t0, MSTATUS_FS_INITIAL
    csrs mstatus, t0
    fsrm zero

    /* float -> integer, every rounding mode on 2.5 / -2.5 */
    TEST_F2X_S(1, 2, NX, 0x40200000, fcvt.w.s a0, f1, rne)
    TEST_F2X_S(2, 3, NX, 0x40200000, fcvt.w.s a0, f1, rmm)
    TEST_F2X_S(3, 2, NX, 0x40200000, fcvt.w.s a0, f1, rtz)
    TEST_F2X_S(4, 3, NX, 0x40200000, fcvt.w.s a0, f1, rup)
    TEST_F2X_S(5, -3, NX, 0xc0200000, fcvt.w.s a0, f1, rdn)
    TEST_F2X_S(6, -2, NX, 0xc0200000, fcvt.w.s a0, f1, rtz)
    TEST_F2X_S(7, -3, NX, 0xc0200000, fcvt.w.s a0, f1, rmm)
    TEST_F2X_S(8, 0x7fffffff, NV, 0x7fc00000, fcvt.w.s a0, f1, rtz)          # NaN
    TEST_F2X_S(9, 0x7fffffff, NV, 0x7f800000, fcvt.w.s a0, f1, rtz)          # +inf
    TEST_F2X_S(10, 0xffffffff80000000, NV, 0xff800000, fcvt.w.s a0, f1, rtz) # -inf
    TEST_F2X_S(11, 0x7fffffff, NV, 0x4f32d05e, fcvt.w.s a0, f1, rtz)         # 3e9
    TEST_F2X_S(12, 0xffffffffb2d05e00, 0, 0x4f32d05e, fcvt.wu.s a0, f1, rtz) # sign-extended
    TEST_F2X_S(13, 0, NV, 0xbf800000, fcvt.wu.s a0, f1, rtz)                 # -1
    TEST_F2X_S(14, 0, NX, 0xbf000000, fcvt.wu.s a0, f1, rtz)                 # -0.5 rounds to 0
    TEST_F2X_S(15, 0x7fffffffffffffff, NV, 0x5f000000, fcvt.l.s a0, f1, rtz) # 2^63
    TEST_F2X_S(16, 0x8000000000000000, 0, 0x5f000000, fcvt.lu.s a0, f1, rtz)
    TEST_F2X_S(17, 0x8000000000000000, 0, 0xdf000000, fcvt.l.s a0, f1, rtz)  # -2^63 fits
    TEST_F2X_S(18, 0xffffffffffffffff, NV, 0x7fc00000, fcvt.lu.s a0, f1, rtz)

    /* double -> integer */
    TEST_F2X_D(20, 0xffffffff80000000, 0, 0xc1e0000000000000, fcvt.w.d a0, f1, rtz)
    TEST_F2X_D(21, 0x7fffffff, NV | 0, 0x41e0000000000000, fcvt.w.d a0, f1, rtz)  # 2^31
    TEST_F2X_D(22, 0xffffffffffffffff, 0, 0x41efffffffe00000, fcvt.wu.d a0, f1, rtz) # 2^32-1
    TEST_F2X_D(23, 1, NX, 0x3ff8000000000000, fcvt.l.d a0, f1, rdn)               # 1.5
    TEST_F2X_D(24, 2, NX, 0x3ff8000000000000, fcvt.lu.d a0, f1, rne)
    TEST_F2X_D(25, 0x7fffffffffffffff, NV, 0x43e0000000000000, fcvt.l.d a0, f1, rtz)

    /* integer -> float (boxed) and double */
    TEST_X2F(30, BOX(0xbf800000), 0, -1, fcvt.s.w f3, a1)
    TEST_X2F(31, BOX(0x4f800000), NX, 0xffffffff, fcvt.s.wu f3, a1)           # 2^32-1 rounds up
    TEST_X2F(32, BOX(0x4f7fffff), NX, 0xffffffff, fcvt.s.wu f3, a1, rtz)
    TEST_X2F(33, BOX(0x40400000), 0, 0x123456700000003, fcvt.s.w f3, a1)      # low 32 bits only
    TEST_X2F(34, BOX(0xdf000000), 0, 0x8000000000000000, fcvt.s.l f3, a1)
    TEST_X2F(35, BOX(0x5f800000), NX, -1, fcvt.s.lu f3, a1)
    TEST_X2F(36, 0xc1e0000000000000, 0, 0x80000000, fcvt.d.w f3, a1)
    TEST_X2F(37, 0x41efffffffe00000, 0, 0xffffffff, fcvt.d.wu f3, a1)
    TEST_X2F(38, 0x43f0000000000000, NX, -1, fcvt.d.lu f3, a1)
    TEST_X2F(39, 0xc3e0000000000000, 0, 0x8000000000000000, fcvt.d.l f3, a1)

    /* between formats */
    TEST_F2X_S(40, 0x3ff8000000000000, 0, 0x3fc00000, fcvt.d.s f2, f1; fmv.x.d a0, f2)
    TEST_F2X_D(41, BOX(0x3eaaaaab), NX, 0x3fd5555555555555, fcvt.s.d f2, f1; fmv.x.d a0, f2)
    TEST_F2X_D(42, BOX(0x7f800000), OF | NX, 0x7e37e43c8800759c, fcvt.s.d f2, f1; fmv.x.d a0, f2) # 1e300
    TEST_F2X_S(43, 0x7ff8000000000000, NV, 0x7f800001, fcvt.d.s f2, f1; fmv.x.d a0, f2) # sNaN

    /* comparisons: feq is quiet, flt/fle signal on any NaN */
    FSET_S(f2, 0x3f800000)
    TEST_F2X_S(50, 1, 0, 0x3f800000, feq.s a0, f1, f2)
    TEST_F2X_S(51, 0, 0, 0x3f800000, flt.s a0, f1, f2)
    TEST_F2X_S(52, 1, 0, 0x3f800000, fle.s a0, f1, f2)
    TEST_F2X_S(53, 1, 0, 0xbf800000, flt.s a0, f1, f2)
    TEST_F2X_S(54, 0, 0, 0x7fc00000, feq.s a0, f1, f2)
    TEST_F2X_S(55, 0, NV, 0x7fc00000, flt.s a0, f1, f2)
    TEST_F2X_S(56, 0, NV, 0x7fc00000, fle.s a0, f1, f2)
    TEST_F2X_S(57, 0, NV, 0x7f800001, feq.s a0, f1, f2)
    fmv.w.x f2, zero
    TEST_F2X_S(58, 1, 0, 0x80000000, feq.s a0, f1, f2)                       # -0 == +0
    FSET_D(f2, 0x4000000000000000)
    TEST_F2X_D(59, 1, 0, 0x3ff0000000000000, flt.d a0, f1, f2)
    TEST_F2X_D(60, 0, NV, 0x7ff8000000000000, fle.d a0, f1, f2)

    /* fclass: one bit per class */
    TEST_F2X_S(70, 1 << 0, 0, 0xff800000, fclass.s a0, f1)
    TEST_F2X_S(71, 1 << 1, 0, 0xbf800000, fclass.s a0, f1)
    TEST_F2X_S(72, 1 << 2, 0, 0x80000001, fclass.s a0, f1)
    TEST_F2X_S(73, 1 << 3, 0, 0x80000000, fclass.s a0, f1)
    TEST_F2X_S(74, 1 << 4, 0, 0x00000000, fclass.s a0, f1)
    TEST_F2X_S(75, 1 << 5, 0, 0x00000001, fclass.s a0, f1)
    TEST_F2X_S(76, 1 << 6, 0, 0x3f800000, fclass.s a0, f1)
    TEST_F2X_S(77, 1 << 7, 0, 0x7f800000, fclass.s a0, f1)
    TEST_F2X_S(78, 1 << 8, 0, 0x7f800001, fclass.s a0, f1)
    TEST_F2X_S(79, 1 << 9, 0, 0x7fc00000, fclass.s a0, f1)
    TEST_F2X_D(80, 1 << 2, 0, 0x800fffffffffffff, fclass.d a0, f1)
    TEST_F2X_D(81, 1 << 8, 0, 0x7ff0000000000001, fclass.d a0, f1)

    /* NaN boxing */
    li TESTNUM, 90
    FSET_S(f1, 0x3f800000)
    fmv.x.d a0, f1
    CHECK(a0, BOX(0x3f800000))
    li TESTNUM, 91
    FSET_D(f1, 0x000000003f800000)     # upper half not all ones: not a valid single
    fadd.s f2, f1, f1
    fmv.x.d a0, f2
    CHECK(a0, BOX(0x7fc00000))
    li TESTNUM, 92
    fclass.s a0, f1
    CHECK(a0, 1 << 9)
    li TESTNUM, 93
    fmv.x.w a0, f1                     # moves the raw low bits, sign-extended
    CHECK(a0, 0x3f800000)
    li TESTNUM, 94
    FSET_D(f1, 0xffffffff80000000)
    fmv.x.w a0, f1
    CHECK(a0, 0xffffffff80000000)
    li TESTNUM, 95
    FSET_D(f1, 0x00000000ffffffff)
    fsgnj.s f2, f1, f1                 # sign injection reads a NaN-boxed operand too
    fmv.x.d a0, f2
    CHECK(a0, BOX(0x7fc00000))

    /* loads and stores */
    li TESTNUM, 100
    lla a1, fpdata
    flw f1, 0(a1)
    fmv.x.d a0, f1
    CHECK(a0, BOX(0x40490fdb))
    li TESTNUM, 101
    fld f2, 8(a1)
    fsd f2, 16(a1)
    ld a0, 16(a1)
    CHECK(a0, 0x400921fb54442d18)
    li TESTNUM, 102
    FSET_D(f3, 0x1234567887654321)
    fsw f3, 24(a1)                     # stores the low 32 bits, boxed or not
    lwu a0, 24(a1)
    CHECK(a0, 0x87654321)
    li TESTNUM, 103
    .option push
    .option rvc
    mv s0, a1
    c.fld f8, 8(s0)
    c.fsd f8, 32(s0)
    ld a0, 32(s0)
    CHECK(a0, 0x400921fb54442d18)
    addi sp, sp, -16
    c.fsdsp f8, 0(sp)
    c.fldsp f9, 0(sp)
    addi sp, sp, 16
    fmv.x.d a0, f9
    CHECK(a0, 0x400921fb54442d18)
    .option pop
    RVTEST_PASS

    .data
    .align 3
fpdata:
    .word 0x40490fdb, 0                # pi (single)
    .dword 0x400921fb54442d18          # pi (double)
    .skip 32
RVTEST_END
