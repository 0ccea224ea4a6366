# The compressed ALU and immediate forms (the control-transfer and memory
# forms are in branch.S and loadstore.S).
#include "riscv_test.h"

RVTEST_BEGIN
    .option push
    .option rvc
    li TESTNUM, 1
    c.li a0, -32
    CHECK(a0, -32)
    li TESTNUM, 2
    c.li a0, 31
    c.addi a0, -1
    CHECK(a0, 30)
    li TESTNUM, 3
    li a0, 0x7fffffff
    c.addiw a0, 1
    CHECK(a0, 0xffffffff80000000)
    li TESTNUM, 4
    c.lui a0, 0xfffe0                        # negative: sign-extended
    CHECK(a0, 0xfffffffffffe0000)
    li TESTNUM, 5
    c.lui a0, 0x1f
    CHECK(a0, 0x1f000)
    li TESTNUM, 6
    mv s1, sp
    c.addi16sp sp, -512
    sub a0, s1, sp
    CHECK(a0, 512)
    li TESTNUM, 7
    c.addi16sp sp, 496
    c.addi16sp sp, 16
    bne sp, s1, fail
    li TESTNUM, 8
    c.addi4spn s0, sp, 1020
    sub a0, s0, sp
    CHECK(a0, 1020)
    li TESTNUM, 9
    li s0, -1
    c.srli s0, 60
    CHECK(s0, 0xf)
    li TESTNUM, 10
    li s0, 0x8000000000000000
    c.srai s0, 63
    CHECK(s0, -1)
    li TESTNUM, 11
    li s0, 0xff
    c.andi s0, -16
    CHECK(s0, 0xf0)
    li TESTNUM, 12
    li s0, 10
    li s1, 3
    c.sub s0, s1
    CHECK(s0, 7)
    li TESTNUM, 13
    c.xor s0, s1
    CHECK(s0, 4)
    li TESTNUM, 14
    c.or s0, s1
    CHECK(s0, 7)
    li TESTNUM, 15
    c.and s0, s1
    CHECK(s0, 3)
    li TESTNUM, 16
    li s0, 0x80000000
    li s1, 1
    c.subw s0, s1
    CHECK(s0, 0x7fffffff)
    li TESTNUM, 17
    c.addw s0, s1
    CHECK(s0, 0xffffffff80000000)
    li TESTNUM, 18
    li a0, 1
    c.slli a0, 63
    CHECK(a0, 0x8000000000000000)
    li TESTNUM, 19
    li a1, 1234
    c.mv a0, a1
    CHECK(a0, 1234)
    li TESTNUM, 20
    c.add a0, a1
    CHECK(a0, 2468)
    li TESTNUM, 21
    c.nop
    c.addi zero, 1                           # HINT: no effect
    CHECK(zero, 0)
    .option pop
    RVTEST_PASS
RVTEST_END
