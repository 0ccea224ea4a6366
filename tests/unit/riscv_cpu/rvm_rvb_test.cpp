// M (including every division corner case) and Zba/Zbb/Zbs semantics.
#include "hart_fixture.h"

#include <limits>

namespace kite::riscv::test {
namespace {

using namespace enc;

constexpr u64 kMin = static_cast<u64>(std::numeric_limits<i64>::min());
constexpr u64 kNeg1 = ~u64{0};

struct Case {
    u32 insn;
    u64 a;
    u64 b;
    u64 expected;
};

class RvmTest : public HartTest {
protected:
    void check(const Case& c) {
        hart->reset(kCode);
        program({c.insn});
        set_x(a1, c.a);
        set_x(a2, c.b);
        step();
        EXPECT_EQ(x(a0), c.expected) << std::hex << "insn 0x" << c.insn << " a=0x" << c.a << " b=0x" << c.b;
    }
};

TEST_F(RvmTest, Multiplication) {
    const Case cases[] = {
        {mul(a0, a1, a2), 7, 6, 42},
        {mul(a0, a1, a2), kNeg1, 2, static_cast<u64>(-2)},
        {mulh(a0, a1, a2), kNeg1, kNeg1, 0},          // (-1)*(-1) = 1: high part 0
        {mulh(a0, a1, a2), kMin, 2, kNeg1},           // -2^64: high part -1
        {mulhu(a0, a1, a2), kNeg1, kNeg1, kNeg1 - 1}, // (2^64-1)^2 >> 64
        {mulhsu(a0, a1, a2), kNeg1, kNeg1, kNeg1},    // -1 * (2^64-1) = -(2^64-1)
        {mulhsu(a0, a1, a2), 2, kNeg1, 1},
        {mulw(a0, a1, a2), 0x10000, 0x8000, 0xffffffff80000000},
        {mulw(a0, a1, a2), 0x100000000, 5, 0}, // upper bits ignored
    };
    for (const Case& c : cases)
        check(c);
}

TEST_F(RvmTest, DivisionCornerCases) {
    const Case cases[] = {
        {div(a0, a1, a2), 20, static_cast<u64>(-3), static_cast<u64>(-6)}, // rounds toward zero
        {rem(a0, a1, a2), 20, static_cast<u64>(-3), 2},
        {rem(a0, a1, a2), static_cast<u64>(-20), 3, static_cast<u64>(-2)}, // sign of the dividend
        {div(a0, a1, a2), 5, 0, kNeg1},                                    // by zero
        {rem(a0, a1, a2), 5, 0, 5},
        {divu(a0, a1, a2), 5, 0, kNeg1},
        {remu(a0, a1, a2), 5, 0, 5},
        {div(a0, a1, a2), kMin, kNeg1, kMin}, // overflow
        {rem(a0, a1, a2), kMin, kNeg1, 0},
        {divu(a0, a1, a2), kNeg1, 2, kNeg1 >> 1},
        {remu(a0, a1, a2), kNeg1, 10, 5},
        {divw(a0, a1, a2), 0x80000000, kNeg1, 0xffffffff80000000}, // 32-bit overflow
        {remw(a0, a1, a2), 0x80000000, kNeg1, 0},
        {divw(a0, a1, a2), 7, 0, kNeg1},
        {remw(a0, a1, a2), 0xfffffff9, 0, kNeg1 - 6}, // remainder = sext(dividend)
        {divuw(a0, a1, a2), 7, 0, kNeg1},             // 0xffffffff sign-extended
        {remuw(a0, a1, a2), 0x80000007, 0, 0xffffffff80000007},
        {divuw(a0, a1, a2), 0xffffffff, 1, kNeg1},
        {divw(a0, a1, a2), 0x1fffffff6, 2, static_cast<u64>(-5)}, // only the low 32 bits count
    };
    for (const Case& c : cases)
        check(c);
}

TEST_F(RvmTest, BitManipulation) {
    const u32 OP = 0x33, OP32 = 0x3b, OPI = 0x13, OPI32 = 0x1b;
    const Case cases[] = {
        {r(OP32, 0, 0x04, a0, a1, a2), 0xffffffff00000001, 2, 3},             // add.uw
        {r(OP, 2, 0x10, a0, a1, a2), 3, 1, 7},                                // sh1add
        {r(OP, 4, 0x10, a0, a1, a2), 3, 1, 13},                               // sh2add
        {r(OP, 6, 0x10, a0, a1, a2), 3, 1, 25},                               // sh3add
        {r(OP32, 6, 0x10, a0, a1, a2), 0x100000001, 0, 8},                    // sh3add.uw
        {i(OPI32, 1, a0, a1, 0x080 | 4), 0xffffffff80000000, 0, 0x800000000}, // slli.uw
        {r(OP, 7, 0x20, a0, a1, a2), 0xff, 0x0f, 0xf0},                       // andn
        {r(OP, 6, 0x20, a0, a1, a2), 0, ~u64{1}, 1},                          // orn
        {r(OP, 4, 0x20, a0, a1, a2), 0xf0, 0xff, ~u64{0x0f}},                 // xnor
        {i(OPI, 1, a0, a1, 0x600), 0, 0, 64},                                 // clz 0
        {i(OPI, 1, a0, a1, 0x600), 1, 0, 63},
        {i(OPI32, 1, a0, a1, 0x600), 0xffffffff00000000, 0, 32},               // clzw
        {i(OPI, 1, a0, a1, 0x601), 0x100, 0, 8},                               // ctz
        {i(OPI32, 1, a0, a1, 0x601), 0x100000000, 0, 32},                      // ctzw
        {i(OPI, 1, a0, a1, 0x602), kNeg1, 0, 64},                              // cpop
        {i(OPI32, 1, a0, a1, 0x602), kNeg1, 0, 32},                            // cpopw
        {r(OP, 6, 0x05, a0, a1, a2), kNeg1, 1, 1},                             // max
        {r(OP, 7, 0x05, a0, a1, a2), kNeg1, 1, kNeg1},                         // maxu
        {r(OP, 4, 0x05, a0, a1, a2), kNeg1, 1, kNeg1},                         // min
        {r(OP, 5, 0x05, a0, a1, a2), kNeg1, 1, 1},                             // minu
        {i(OPI, 1, a0, a1, 0x604), 0x80, 0, static_cast<u64>(-128)},           // sext.b
        {i(OPI, 1, a0, a1, 0x605), 0x8000, 0, static_cast<u64>(-32768)},       // sext.h
        {r(OP32, 4, 0x04, a0, a1, 0), 0x12345678, 0, 0x5678},                  // zext.h
        {r(OP, 1, 0x30, a0, a1, a2), u64{1} << 63, 1, 1},                      // rol
        {r(OP, 5, 0x30, a0, a1, a2), 1, 1, u64{1} << 63},                      // ror
        {i(OPI, 5, a0, a1, 0x600 | 4), 0x10, 0, 1},                            // rori
        {r(OP32, 1, 0x30, a0, a1, a2), 0x80000000, 1, 1},                      // rolw
        {r(OP32, 5, 0x30, a0, a1, a2), 1, 1, 0xffffffff80000000},              // rorw
        {i(OPI32, 5, a0, a1, 0x600 | 1), 1, 0, 0xffffffff80000000},            // roriw
        {i(OPI, 5, a0, a1, 0x287), 0x0001000000ff0100, 0, 0x00ff000000ffff00}, // orc.b
        {i(OPI, 5, a0, a1, 0x6b8), 0x0102030405060708, 0, 0x0807060504030201}, // rev8
        {r(OP, 1, 0x24, a0, a1, a2), kNeg1, 64 + 3, ~u64{8}},                  // bclr (index mod 64)
        {r(OP, 5, 0x24, a0, a1, a2), 8, 3, 1},                                 // bext
        {r(OP, 1, 0x34, a0, a1, a2), 8, 3, 0},                                 // binv
        {r(OP, 1, 0x14, a0, a1, a2), 0, 63, u64{1} << 63},                     // bset
        {i(OPI, 1, a0, a1, 0x480 | 63), kNeg1, 0, kNeg1 >> 1},                 // bclri
        {i(OPI, 5, a0, a1, 0x480 | 2), 4, 0, 1},                               // bexti
        {i(OPI, 1, a0, a1, 0x680 | 0), 1, 0, 0},                               // binvi
        {i(OPI, 1, a0, a1, 0x280 | 40), 0, 0, u64{1} << 40},                   // bseti
    };
    for (const Case& c : cases)
        check(c);
}

} // namespace
} // namespace kite::riscv::test
