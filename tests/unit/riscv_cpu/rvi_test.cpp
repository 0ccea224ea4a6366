// RV64I semantics, one small hand-encoded program per behaviour.
#include "cpu/riscv/decode.h"
#include "hart_fixture.h"

namespace kite::riscv::test {
namespace {

using namespace enc;

class RviTest : public HartTest {};

// Runs `insn` once with a1 = a, a2 = b and returns a0.
struct AluCase {
    u32 insn;
    u64 a;
    u64 b;
    u64 expected;
};

TEST_F(RviTest, AluOperations) {
    const AluCase cases[] = {
        {add(a0, a1, a2), 5, 7, 12},
        {add(a0, a1, a2), ~u64{0}, 1, 0},
        {sub(a0, a1, a2), 5, 7, static_cast<u64>(-2)},
        {sll(a0, a1, a2), 1, 63 + 64, u64{1} << 63}, // shift amount uses the low 6 bits
        {slt(a0, a1, a2), static_cast<u64>(-1), 0, 1},
        {sltu(a0, a1, a2), static_cast<u64>(-1), 0, 0},
        {xor_(a0, a1, a2), 0xff00, 0x0ff0, 0xf0f0},
        {srl(a0, a1, a2), u64{1} << 63, 63, 1},
        {sra(a0, a1, a2), u64{1} << 63, 63, ~u64{0}},
        {or_(a0, a1, a2), 0xf0, 0x0f, 0xff},
        {and_(a0, a1, a2), 0xf0, 0x3c, 0x30},
        {addw(a0, a1, a2), 0x7fffffff, 1, 0xffffffff80000000},
        {subw(a0, a1, a2), 0, 1, ~u64{0}},
        {sllw(a0, a1, a2), 1, 31 + 32, 0xffffffff80000000},
        {srlw(a0, a1, a2), 0xffffffff80000000, 31, 1},
        {sraw(a0, a1, a2), 0x0000000080000000, 31, ~u64{0}},
        {addi(a0, a1, -1), 0, 0, ~u64{0}},
        {slti(a0, a1, -1), static_cast<u64>(-2), 0, 1},
        {sltiu(a0, a1, -1), 5, 0, 1}, // -1 is compared as 0xffff...ffff
        {xori(a0, a1, -1), 0, 0, ~u64{0}},
        {ori(a0, a1, 0x7ff), 0x800, 0, 0xfff},
        {andi(a0, a1, -16), 0x1234, 0, 0x1230},
        {slli(a0, a1, 63), 1, 0, u64{1} << 63},
        {srli(a0, a1, 60), ~u64{0}, 0, 0xf},
        {srai(a0, a1, 60), u64{1} << 63, 0, 0xfffffffffffffff8},
        {addiw(a0, a1, 1), 0xffffffff, 0, 0},
        {addiw(a0, a1, 0), 0x80000000, 0, 0xffffffff80000000}, // sext.w
        {slliw(a0, a1, 31), 1, 0, 0xffffffff80000000},
        {srliw(a0, a1, 0), 0xffffffff, 0, ~u64{0}},
        {sraiw(a0, a1, 4), 0x80000000, 0, 0xfffffffff8000000},
    };
    for (const AluCase& c : cases) {
        hart->reset(kCode);
        program({c.insn});
        set_x(a1, c.a);
        set_x(a2, c.b);
        step();
        EXPECT_EQ(x(a0), c.expected) << std::hex << "insn 0x" << c.insn;
        EXPECT_EQ(st().pc, kCode + 4);
    }
}

TEST_F(RviTest, X0IsHardwiredToZero) {
    program({addi(zero, zero, 5), add(a0, zero, zero)});
    step(2);
    EXPECT_EQ(x(zero), 0u);
    EXPECT_EQ(x(a0), 0u);
}

TEST_F(RviTest, LuiAndAuipcSignExtend) {
    program({lui(a0, 0x80000), auipc(a1, 0xfffff)});
    step(2);
    EXPECT_EQ(x(a0), 0xffffffff80000000);
    EXPECT_EQ(x(a1), kCode + 4 - 0x1000);
}

TEST_F(RviTest, JalAndJalrLinkAndClearBitZero) {
    program({jal(ra, 12)});
    program(kCode + 12, {jalr(a0, a1, 1)}); // target = a1 + 1 with bit 0 cleared
    set_x(a1, kCode + 0x100);
    step(2);
    EXPECT_EQ(x(ra), kCode + 4);
    EXPECT_EQ(x(a0), kCode + 16);
    EXPECT_EQ(st().pc, kCode + 0x100);
}

TEST_F(RviTest, JalrReadsRs1BeforeWritingRd) {
    program({jalr(a1, a1, 0)});
    set_x(a1, kCode + 0x40);
    step();
    EXPECT_EQ(st().pc, kCode + 0x40);
    EXPECT_EQ(x(a1), kCode + 4);
}

TEST_F(RviTest, Branches) {
    struct Case {
        u32 insn;
        u64 a, b;
        bool taken;
    };
    const Case cases[] = {
        {beq(a1, a2, 64), 3, 3, true},
        {beq(a1, a2, 64), 3, 4, false},
        {bne(a1, a2, 64), 3, 4, true},
        {blt(a1, a2, 64), static_cast<u64>(-1), 0, true},
        {bge(a1, a2, 64), 0, static_cast<u64>(-1), true},
        {bge(a1, a2, 64), 5, 5, true},
        {bltu(a1, a2, 64), static_cast<u64>(-1), 0, false},
        {bgeu(a1, a2, 64), static_cast<u64>(-1), 0, true},
        {blt(a1, a2, -64), 1, 2, true},
    };
    for (const Case& c : cases) {
        hart->reset(kCode + 0x100);
        program(kCode + 0x100, {c.insn});
        set_x(a1, c.a);
        set_x(a2, c.b);
        step();
        const i32 off = decode(c.insn).imm;
        EXPECT_EQ(st().pc, c.taken ? kCode + 0x100 + off : kCode + 0x104) << std::hex << c.insn;
    }
}

TEST_F(RviTest, LoadsSignAndZeroExtend) {
    put64(kData, 0x8081828384858687);
    struct Case {
        u32 insn;
        u64 expected;
    };
    const Case cases[] = {
        {lb(a0, a1, 0), 0xffffffffffffff87}, {lbu(a0, a1, 0), 0x87},
        {lh(a0, a1, 0), 0xffffffffffff8687}, {lhu(a0, a1, 0), 0x8687},
        {lw(a0, a1, 4), 0xffffffff80818283}, {lwu(a0, a1, 4), 0x80818283},
        {ld(a0, a1, 0), 0x8081828384858687}, {lb(a0, a1, 7), 0xffffffffffffff80},
    };
    for (const Case& c : cases) {
        hart->reset(kCode);
        program({c.insn});
        set_x(a1, kData);
        step();
        EXPECT_EQ(x(a0), c.expected) << std::hex << c.insn;
    }
}

TEST_F(RviTest, StoresWriteOnlyTheirWidth) {
    put64(kData, ~u64{0});
    program({sb(a2, a1, 0), sh(a2, a1, 2), sw(a2, a1, 8), sd(a2, a1, 16)});
    set_x(a1, kData);
    set_x(a2, 0x1122334455667788);
    step(4);
    EXPECT_EQ(get64(kData), 0xffffffff7788ff88);
    EXPECT_EQ(get64(kData + 8), 0x55667788u);
    EXPECT_EQ(get64(kData + 16), 0x1122334455667788u);
}

TEST_F(RviTest, MisalignedLoadsAndStoresAreSupported) {
    program({sd(a2, a1, 1), ld(a0, a1, 1), lw(a3, a1, 3), sh(a2, a4, 0)});
    set_x(a1, kData);
    set_x(a4, kData + 0xfff);
    set_x(a2, 0x1122334455667788);
    step(4);
    EXPECT_EQ(st().pc, kCode + 16); // no trap
    EXPECT_EQ(x(a0), 0x1122334455667788u);
    EXPECT_EQ(x(a3), 0x33445566u);
    EXPECT_EQ(get16(kData + 0xfff), 0x7788); // across a page boundary
}

TEST_F(RviTest, CompressedInstructionsAdvancePcByTwo) {
    put16(kCode, 0x4515);     // c.li a0, 5
    put16(kCode + 2, 0x0505); // c.addi a0, 1
    put32(kCode + 4, addi(a1, a0, 0));
    step(3);
    EXPECT_EQ(x(a0), 6u);
    EXPECT_EQ(x(a1), 6u);
    EXPECT_EQ(st().pc, kCode + 8);
}

TEST_F(RviTest, InstretCountsRetiredInstructions) {
    program({nop(), nop(), nop()});
    step(3);
    EXPECT_EQ(hart->instret(), 3u);
}

TEST_F(RviTest, LoadsAndStoresReachMmioDevices) {
    program({sw(a2, a1, 8), lw(a0, a1, 8), sb(a2, a1, 3)});
    set_x(a1, kMmioBase);
    set_x(a2, 0xcafef00d);
    step(2);
    EXPECT_EQ(x(a0), 0xffffffffcafef00d);
    EXPECT_EQ(device->last_offset, 8u);
    EXPECT_EQ(device->last_size, 4u);
    step();
    EXPECT_TRUE(device->last_was_write);
    EXPECT_EQ(device->last_size, 1u);
}

TEST_F(RviTest, SelfModifiedCodeIsSeenAfterFenceI) {
    // Execute `addi a0, a0, 1` once, overwrite it with `addi a0, a0, 2`, fence.i, run again.
    program({addi(a0, a0, 1), jal(zero, 8), nop(), fence_i(), jal(zero, -16)});
    step(2); // addi, jal -> fence.i
    put32(kCode, addi(a0, a0, 2));
    step(3); // fence.i, jal back, addi
    EXPECT_EQ(x(a0), 3u);
}

} // namespace
} // namespace kite::riscv::test
