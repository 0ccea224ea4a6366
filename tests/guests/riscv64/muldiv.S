# M extension, including division by zero and signed overflow.
#include "riscv_test.h"

RVTEST_BEGIN
    TEST_RR(1, mul, 42, 7, 6)
    TEST_RR(2, mul, -2, -1, 2)
    TEST_RR(3, mul, 0, 0x8000000000000000, 2)
    TEST_RR(4, mulh, 0, -1, -1)
    TEST_RR(5, mulh, -1, 0x8000000000000000, 2)
    TEST_RR(6, mulh, 0x3fffffffffffffff, 0x7fffffffffffffff, 0x7fffffffffffffff)
    TEST_RR(7, mulhu, 0xfffffffffffffffe, -1, -1)
    TEST_RR(8, mulhu, 1, 0x8000000000000000, 2)
    TEST_RR(9, mulhsu, -1, -1, -1)
    TEST_RR(10, mulhsu, 1, 2, -1)
    TEST_RR(11, mulw, 0xffffffff80000000, 0x10000, 0x8000)
    TEST_RR(12, mulw, 0, 0x100000000, 5)

    TEST_RR(20, div, -6, 20, -3)
    TEST_RR(21, div, 6, -20, -3)
    TEST_RR(22, rem, 2, 20, -3)
    TEST_RR(23, rem, -2, -20, 3)
    TEST_RR(24, divu, 0x7fffffffffffffff, -1, 2)
    TEST_RR(25, remu, 5, -1, 10)
    TEST_RR(26, div, -1, 5, 0)                          # division by zero
    TEST_RR(27, divu, -1, 5, 0)
    TEST_RR(28, rem, 5, 5, 0)
    TEST_RR(29, remu, 5, 5, 0)
    TEST_RR(30, div, 0x8000000000000000, 0x8000000000000000, -1)  # overflow
    TEST_RR(31, rem, 0, 0x8000000000000000, -1)

    TEST_RR(40, divw, -6, 20, -3)
    TEST_RR(41, divw, 0xffffffff80000000, 0x80000000, -1)         # overflow
    TEST_RR(42, remw, 0, 0x80000000, -1)
    TEST_RR(43, divw, -1, 7, 0)
    TEST_RR(44, remw, -7, 0xfffffff9, 0)
    TEST_RR(45, divuw, -1, 7, 0)
    TEST_RR(46, remuw, 0xffffffff80000007, 0x80000007, 0)
    TEST_RR(47, divuw, -1, 0xffffffff, 1)
    TEST_RR(48, divw, -5, 0x1fffffff6, 2)                  # only the low 32 bits
    TEST_RR(49, remuw, 1, 0x100000007, 3)
    RVTEST_PASS
RVTEST_END
