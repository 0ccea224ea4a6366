# Conditional branches (taken and not taken, both directions), jal/jalr link
# values, and the compressed control transfers.
#include "riscv_test.h"

/* Branch `inst` on (v1, v2): `taken` says whether it must jump. */
#define TEST_BR(n, inst, taken, v1, v2)                                       \
    li TESTNUM, n;                                                            \
    li a1, v1;                                                                \
    li a2, v2;                                                                \
    li a0, 0;                                                                 \
    inst a1, a2, 1f;                                                          \
    li a0, 1;                                                                 \
1:  CHECK(a0, 1 - (taken))

RVTEST_BEGIN
    TEST_BR(1, beq, 1, 3, 3)
    TEST_BR(2, beq, 0, 3, 4)
    TEST_BR(3, bne, 1, 3, 4)
    TEST_BR(4, bne, 0, -1, -1)
    TEST_BR(5, blt, 1, -1, 0)
    TEST_BR(6, blt, 0, 0, -1)
    TEST_BR(7, blt, 0, 5, 5)
    TEST_BR(8, bge, 1, 5, 5)
    TEST_BR(9, bge, 1, 0, -1)
    TEST_BR(10, bge, 0, -1, 0)
    TEST_BR(11, bltu, 0, -1, 0)
    TEST_BR(12, bltu, 1, 0, -1)
    TEST_BR(13, bgeu, 1, -1, 0)
    TEST_BR(14, bgeu, 0, 0, -1)

    # A backward branch: count down a loop.
    li TESTNUM, 15
    li a0, 10
    li a1, 0
2:  addi a1, a1, 1
    addi a0, a0, -1
    bnez a0, 2b
    CHECK(a1, 10)

    # jal links pc+4; jalr clears bit 0 of the target and links pc+4.
    li TESTNUM, 20
    jal ra, 3f
4:  j fail
3:  lla a0, 4b
    bne ra, a0, fail
    li TESTNUM, 21
    lla a1, 5f
    addi a1, a1, 1                  # odd target: bit 0 is ignored
    jalr t0, 0(a1)
6:  j fail
5:  lla a0, 6b
    bne t0, a0, fail
    li TESTNUM, 22
    lla a1, 7f
    jalr a1, 0(a1)                  # rd == rs1: the old value is the target
    j fail
7:  li TESTNUM, 23
    lla a1, 8f - 16
    jalr zero, 16(a1)               # positive offset
    j fail
8:

    # Compressed forms.
    .option push
    .option rvc
    li TESTNUM, 30
    li s0, 0
    c.beqz s0, 9f
    j fail
9:  li TESTNUM, 31
    li s0, 1
    c.beqz s0, fail
    c.bnez s0, 10f
    j fail
10: li TESTNUM, 32
    c.j 11f
    j fail
11: li TESTNUM, 33
    lla a5, 12f
    c.jr a5
    j fail
12: li TESTNUM, 34
    lla a5, 13f
    c.jalr a5                       # links ra = pc + 2
14: j fail
13: lla a0, 14b
    bne ra, a0, fail
    .option pop

    # Branch offsets at the edge of their range (+-4 KiB for B-type).
    li TESTNUM, 40
    beq zero, zero, far_forward
    j fail
back_target:
    li TESTNUM, 41
    RVTEST_PASS
    .skip 4000
far_forward:
    beq zero, zero, back_target
    j fail
RVTEST_END
