# A extension: LR/SC success and failure, every AMO (W and D), sign
# extension of W results, and misaligned atomics trapping.
#include "riscv_test.h"

/* mem = init; rd = amo(mem, v); checks rd == old and mem == after. */
#define TEST_AMO_D(n, inst, init, v, after)                                   \
    li TESTNUM, n;                                                            \
    lla a1, slot;                                                             \
    li a2, init;                                                              \
    sd a2, 0(a1);                                                             \
    li a3, v;                                                                 \
    inst a0, a3, (a1);                                                        \
    CHECK(a0, init);                                                          \
    ld a4, 0(a1);                                                             \
    CHECK(a4, after)

#define TEST_AMO_W(n, inst, init, v, old_sext, after)                         \
    li TESTNUM, n;                                                            \
    lla a1, slot;                                                             \
    li a2, -1;                                                                \
    sd a2, 0(a1);                                                             \
    li a2, init;                                                              \
    sw a2, 0(a1);                                                             \
    li a3, v;                                                                 \
    inst a0, a3, (a1);                                                        \
    CHECK(a0, old_sext);                                                      \
    lwu a4, 0(a1);                                                            \
    CHECK(a4, after);                                                         \
    lwu a4, 4(a1);                                                            \
    CHECK(a4, 0xffffffff)

RVTEST_BEGIN
    TEST_AMO_D(1, amoswap.d, 1, 2, 2)
    TEST_AMO_D(2, amoadd.d, 1, 2, 3)
    TEST_AMO_D(3, amoxor.d, 0xc, 0xa, 0x6)
    TEST_AMO_D(4, amoand.d, 0xc, 0xa, 0x8)
    TEST_AMO_D(5, amoor.d, 0xc, 0xa, 0xe)
    TEST_AMO_D(6, amomin.d, -5, 3, -5)
    TEST_AMO_D(7, amomax.d, -5, 3, 3)
    TEST_AMO_D(8, amominu.d, -5, 3, 3)
    TEST_AMO_D(9, amomaxu.d, -5, 3, -5)
    TEST_AMO_D(10, amoadd.d.aqrl, -1, 1, 0)

    TEST_AMO_W(20, amoswap.w, 0x11111111, 0x22222222, 0x11111111, 0x22222222)
    TEST_AMO_W(21, amoadd.w, 0xffffffff, 1, -1, 0)
    TEST_AMO_W(22, amoxor.w, 0xc, 0xa, 0xc, 0x6)
    TEST_AMO_W(23, amoand.w, 0xc, 0xa, 0xc, 0x8)
    TEST_AMO_W(24, amoor.w, 0xc, 0xa, 0xc, 0xe)
    TEST_AMO_W(25, amomin.w, 0x80000000, 1, 0xffffffff80000000, 0x80000000)
    TEST_AMO_W(26, amomax.w, 0x80000000, 1, 0xffffffff80000000, 1)
    TEST_AMO_W(27, amominu.w, 0x80000000, 1, 0xffffffff80000000, 1)
    TEST_AMO_W(28, amomaxu.w, 0x80000000, 1, 0xffffffff80000000, 0x80000000)

    # LR/SC: success, then a second SC without a reservation fails.
    li TESTNUM, 40
    lla a1, slot
    li a2, 41
    sd a2, 0(a1)
    lr.d a0, (a1)
    addi a0, a0, 1
    sc.d a3, a0, (a1)
    CHECK(a3, 0)
    ld a4, 0(a1)
    CHECK(a4, 42)
    li TESTNUM, 41
    sc.d a3, a0, (a1)
    CHECK(a3, 1)
    li TESTNUM, 42
    addi a2, a1, 8
    lr.w a0, (a1)
    sc.w a3, a0, (a2)               # a different address: fails
    CHECK(a3, 1)
    li TESTNUM, 43
    li a2, 0x80000000
    sw a2, 0(a1)
    lr.w.aq a0, (a1)
    CHECK(a0, 0xffffffff80000000)
    li a2, 7
    sc.w.rl a3, a2, (a1)
    CHECK(a3, 0)
    lw a4, 0(a1)
    CHECK(a4, 7)

    # An atomic add loop built from LR/SC.
    li TESTNUM, 44
    sd zero, 0(a1)
    li a5, 100
1:  lr.d a0, (a1)
    addi a0, a0, 3
    sc.d a3, a0, (a1)
    bnez a3, 1b
    addi a5, a5, -1
    bnez a5, 1b
    ld a4, 0(a1)
    CHECK(a4, 300)

    # Misaligned atomics trap with mtval = the address: store/AMO address
    # misaligned (6) or, as the spec also allows, store/AMO access fault (7);
    # LR as a load (4 or 5). Kite raises the misaligned causes.
    li TESTNUM, 50
    SET_TVEC(mtvec, misaligned_handler)
    addi a1, a1, 2
    li s1, 0
    amoadd.w a0, a3, (a1)
    ori s1, s1, 1
    CHECK(s1, 7)
    bne s2, a1, fail
    li TESTNUM, 51
    li s1, 0
    lr.d a0, (a1)
    ori s1, s1, 1
    CHECK(s1, 5)
    bne s2, a1, fail
    RVTEST_PASS

    .align 2
misaligned_handler:
    csrr s1, mcause
    csrr s2, mtval
    csrr t0, mepc
    addi t0, t0, 4
    csrw mepc, t0
    mret

    .data
    .align 4
slot:
    .dword 0, 0
RVTEST_END
