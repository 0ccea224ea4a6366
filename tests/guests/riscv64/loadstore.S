# Loads and stores of every width, sign/zero extension, misaligned accesses
# (supported without traps, including across a page boundary) and the
# compressed load/store forms.
#include "riscv_test.h"

#define TEST_LD(n, inst, expected, offset)                                    \
    li TESTNUM, n;                                                            \
    lla a1, data;                                                             \
    inst a0, offset(a1);                                                      \
    CHECK(a0, expected)

/* Stores src, then loads rd back from the same address and checks it. */
#define TEST_ST_LD(n, store, load, src, rd, addr, expected)                   \
    li TESTNUM, n;                                                            \
    store src, addr;                                                          \
    load rd, addr;                                                            \
    CHECK(rd, expected)

RVTEST_BEGIN
    TEST_LD(1, lb, 0xffffffffffffff87, 0)
    TEST_LD(2, lbu, 0x87, 0)
    TEST_LD(3, lb, 0x7f, 11)
    TEST_LD(4, lh, 0xffffffffffff8687, 0)
    TEST_LD(5, lhu, 0x8687, 0)
    TEST_LD(6, lw, 0xffffffff84858687, 0)
    TEST_LD(7, lwu, 0x84858687, 0)
    TEST_LD(8, lw, 0x7fffffff, 8)
    TEST_LD(9, ld, 0x8081828384858687, 0)
    TEST_LD(10, lb, 0xffffffffffffff80, 7)
    TEST_LD(11, ld, 0x000000007fffffff, 8)
    TEST_LD(12, lbu, 0x80, 7)

    # Stores write exactly their width.
    li TESTNUM, 20
    lla a1, scratch
    li a2, -1
    sd a2, 0(a1)
    li a3, 0x1122334455667788
    sb a3, 0(a1)
    sh a3, 2(a1)
    ld a0, 0(a1)
    CHECK(a0, 0xffffffff7788ff88)
    li TESTNUM, 21
    sw a3, 4(a1)
    ld a0, 0(a1)
    CHECK(a0, 0x556677887788ff88)
    TEST_ST_LD(22, sd, ld, a3, a0, 8(a1), 0x1122334455667788)
    TEST_ST_LD(23, sd, ld, a3, a0, -8(sp), 0x1122334455667788) # negative offsets

    # Misaligned accesses work (no trap handler is installed for them).
    li TESTNUM, 30
    lla a1, scratch
    sd a3, 1(a1)
    ld a0, 1(a1)
    CHECK(a0, 0x1122334455667788)
    li TESTNUM, 31
    lw a0, 3(a1)
    CHECK(a0, 0x0000000033445566)
    li TESTNUM, 32
    lh a0, 7(a1)
    CHECK(a0, 0x0000000000001122)
    li TESTNUM, 33
    lla a1, page_end
    sd a3, -3(a1)                   # straddles two pages
    ld a0, -3(a1)
    CHECK(a0, 0x1122334455667788)
    li TESTNUM, 34
    lhu a0, -1(a1)
    CHECK(a0, 0x5566)
    TEST_ST_LD(35, sw, lwu, a3, a0, -2(a1), 0x55667788)

    # Compressed loads and stores (x8-x15 and sp-relative).
    .option push
    .option rvc
    li TESTNUM, 40
    lla s0, scratch
    li s1, 0x0123456789abcdef
    c.sd s1, 16(s0)
    c.ld a5, 16(s0)
    bne a5, s1, fail
    TEST_ST_LD(41, c.sw, c.lw, s1, a4, 24(s0), 0xffffffff89abcdef)
    li TESTNUM, 42
    addi sp, sp, -64
    c.sdsp s1, 8(sp)
    c.ldsp a0, 8(sp)
    bne a0, s1, fail
    TEST_ST_LD(43, c.swsp, c.lwsp, s1, a0, 16(sp), 0xffffffff89abcdef)
    addi sp, sp, 64
    .option pop
    RVTEST_PASS

    .data
    .align 3
data:
    .dword 0x8081828384858687
    .dword 0x000000007fffffff
    .align 3
scratch:
    .skip 64
    .align 12
    .skip 4096
page_end:
    .skip 16
RVTEST_END
