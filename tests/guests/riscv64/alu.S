# RV64I integer computation: register and immediate forms, 32-bit (W) forms,
# lui/auipc, x0.
#include "riscv_test.h"

RVTEST_BEGIN
    TEST_RR(1, add, 0x0000000100000000, 0xffffffff, 1)
    TEST_RR(2, add, 0, -1, 1)
    TEST_RR(3, sub, -2, 5, 7)
    TEST_RR(4, sub, 0x8000000000000000, 0x7fffffffffffffff, -1)
    TEST_RR(5, sll, 0x8000000000000000, 1, 63)
    TEST_RR(6, sll, 2, 1, 65)                       # only the low 6 bits of rs2
    TEST_RR(7, srl, 1, 0x8000000000000000, 63)
    TEST_RR(8, sra, -1, 0x8000000000000000, 63)
    TEST_RR(9, sra, 0x0800000000000000, 0x4000000000000000, 3)
    TEST_RR(10, slt, 1, -1, 0)
    TEST_RR(11, slt, 0, 0, -1)
    TEST_RR(12, sltu, 0, -1, 0)
    TEST_RR(13, sltu, 1, 0, -1)
    TEST_RR(14, xor, 0xf0f0, 0xff00, 0x0ff0)
    TEST_RR(15, or, 0xff, 0xf0, 0x0f)
    TEST_RR(16, and, 0x30, 0xf0, 0x3c)

    TEST_RI(20, addi, -1, 0, -1)
    TEST_RI(21, addi, 0x7ff, 0, 2047)
    TEST_RI(22, addi, -2048, 0, -2048)
    TEST_RI(23, slti, 1, -2, -1)
    TEST_RI(24, sltiu, 1, 5, -1)                    # immediate is sign-extended, then unsigned
    TEST_RI(25, sltiu, 0, -1, 5)
    TEST_RI(26, xori, -1, 0, -1)
    TEST_RI(27, ori, 0xfff, 0x800, 0x7ff)
    TEST_RI(28, andi, 0x1230, 0x1234, -16)
    TEST_RI(29, slli, 0x8000000000000000, 1, 63)
    TEST_RI(30, srli, 0xf, -1, 60)
    TEST_RI(31, srai, -8, 0x8000000000000000, 60)

    TEST_RR(40, addw, 0xffffffff80000000, 0x7fffffff, 1)
    TEST_RR(41, addw, 0, 0xffffffff, 1)
    TEST_RR(42, subw, -1, 0, 1)
    TEST_RR(43, sllw, 0xffffffff80000000, 1, 31)
    TEST_RR(44, sllw, 2, 1, 33)                     # only the low 5 bits of rs2
    TEST_RR(45, srlw, 1, 0xffffffff80000000, 31)
    TEST_RR(46, srlw, 0xffffffffffffffff, 0xffffffff, 0)
    TEST_RR(47, sraw, -1, 0x80000000, 31)
    TEST_RI(48, addiw, 0, 0xffffffff, 1)
    TEST_RI(49, addiw, 0xffffffff80000000, 0x80000000, 0)
    TEST_RI(50, slliw, 0xffffffff80000000, 1, 31)
    TEST_RI(51, srliw, 0x7fffffff, 0xffffffff, 1)
    TEST_RI(52, sraiw, 0xfffffffff8000000, 0x80000000, 4)

    li TESTNUM, 60
    lui a0, 0x80000
    CHECK(a0, 0xffffffff80000000)
    li TESTNUM, 61
    lui a0, 0x7ffff
    CHECK(a0, 0x7ffff000)
    li TESTNUM, 62
1:  auipc a0, 0
    lla a1, 1b
    bne a0, a1, fail
    li TESTNUM, 63
2:  auipc a0, 0xfffff                               # pc - 4 KiB
    lla a1, 2b
    li t5, 4096
    sub a1, a1, t5
    bne a0, a1, fail
    li TESTNUM, 64
    li a0, 5
    addi zero, a0, 1                                # writes to x0 are discarded
    bnez zero, fail
    add a1, zero, zero
    bnez a1, fail
    RVTEST_PASS
RVTEST_END
