// What the hart adds around kite_riscv_fpu: FS gating and dirtying, NaN-boxing
// of the register file, rounding-mode resolution and fflags accrual.
#include "hart_fixture.h"

namespace kite::riscv::test {
namespace {

using namespace enc;

constexpr u64 kFsInitial = u64{1} << mstatus::FS_SHIFT;
constexpr u32 kOne = 0x3f800000;   // 1.0f
constexpr u32 kThree = 0x40400000; // 3.0f

class FpTest : public HartTest {
protected:
    void SetUp() override { st().mstatus |= kFsInitial; }
    bool trapped() { return st().pc == kTrapHandler; }
    static u64 fpu_box(u32 v) { return 0xffffffff00000000 | v; }
};

TEST_F(FpTest, FpInstructionsAreIllegalWhileFsIsOff) {
    const u32 insns[] = {fadd_s(1, 2, 3), flw(1, a1, 0),   fsd(1, a1, 0),  fmv_x_w(a0, 1),
                         fmv_d_x(1, a0),  fclass_s(a0, 1), feq_s(a0, 1, 2)};
    for (u32 insn : insns) {
        hart->reset(kCode);
        st().mtvec = kTrapHandler;
        program({insn});
        set_x(a1, kData);
        step();
        EXPECT_TRUE(trapped()) << std::hex << insn;
        EXPECT_EQ(st().mcause, 2u);
        EXPECT_EQ(st().mtval, insn);
    }
}

TEST_F(FpTest, WritingAnFpRegisterMakesFsDirty) {
    program({fmv_w_x(1, a0), csrrs(a1, csr::Mstatus, zero)});
    step(2);
    EXPECT_EQ(st().mstatus & mstatus::FS, mstatus::FS_DIRTY);
    EXPECT_TRUE(x(a1) & mstatus::SD);
}

TEST_F(FpTest, ComparisonsWithoutFlagsLeaveFsClean) {
    program({feq_s(a0, 1, 1)});
    st().f[1] = 0xffffffff00000000 | kOne;
    step();
    EXPECT_EQ(x(a0), 1u);
    EXPECT_EQ(st().mstatus & mstatus::FS, kFsInitial);
}

TEST_F(FpTest, SinglePrecisionResultsAreNanBoxed) {
    program({fmv_w_x(1, a0), fadd_s(2, 1, 1), fmv_x_d(a1, 2), fmv_x_w(a2, 2)});
    set_x(a0, kOne);
    step(4);
    EXPECT_EQ(x(a1), 0xffffffff40000000); // 2.0f, boxed
    EXPECT_EQ(x(a2), 0x40000000u);
}

TEST_F(FpTest, ImproperlyBoxedInputsReadAsCanonicalNan) {
    program({fmv_d_x(1, a0), fadd_s(2, 1, 1), fmv_x_d(a1, 2), fmv_x_w(a2, 1), fclass_s(a3, 1)});
    set_x(a0, kOne); // upper bits zero: not a valid single
    step(5);
    EXPECT_EQ(x(a1), 0xffffffff7fc00000);
    EXPECT_EQ(x(a2), u64{kOne}); // fmv.x.w moves the raw low bits
    EXPECT_EQ(x(a3), 1u << 9);   // quiet NaN
}

TEST_F(FpTest, LoadsBoxAndStoresKeepRawBits) {
    put32(kData, kThree);
    program({flw(1, a1, 0), fmv_x_d(a0, 1), fmv_d_x(2, a2), fsw(2, a1, 8), fld(3, a1, 16), fsd(3, a1, 24)});
    set_x(a1, kData);
    set_x(a2, 0x1234567887654321);
    put64(kData + 16, 0x400921fb54442d18); // pi
    step(6);
    EXPECT_EQ(x(a0), 0xffffffff00000000 | kThree);
    EXPECT_EQ(get32(kData + 8), 0x87654321u);
    EXPECT_EQ(get64(kData + 24), 0x400921fb54442d18u);
}

TEST_F(FpTest, StaticAndDynamicRoundingModes) {
    // 1/3 rounds up under RNE and RUP, down under RTZ and RDN.
    struct Case {
        u32 rm;
        u8 frm;
        u32 expected;
    };
    const Case cases[] = {{0, 0, 0x3eaaaaab}, {1, 0, 0x3eaaaaaa}, {2, 0, 0x3eaaaaaa}, {3, 0, 0x3eaaaaab},
                          {7, 1, 0x3eaaaaaa}, {7, 3, 0x3eaaaaab}, {7, 0, 0x3eaaaaab}};
    for (const Case& c : cases) {
        hart->reset(kCode);
        st().mstatus |= kFsInitial;
        st().frm = c.frm;
        st().f[1] = fpu_box(kOne);
        st().f[2] = fpu_box(kThree);
        program({fdiv_s(3, 1, 2, c.rm)});
        step();
        EXPECT_EQ(st().f[3], fpu_box(c.expected)) << "rm " << c.rm << " frm " << int{c.frm};
        EXPECT_EQ(st().fflags, 1u); // NX
    }
}

TEST_F(FpTest, InvalidRoundingModesAreIllegal) {
    for (u32 rm : {5u, 6u}) {
        hart->reset(kCode);
        st().mtvec = kTrapHandler;
        st().mstatus |= kFsInitial;
        program({fadd_s(3, 1, 2, rm)});
        step();
        EXPECT_TRUE(trapped()) << rm;
    }
    for (u8 frm : {5, 6, 7}) {
        hart->reset(kCode);
        st().mtvec = kTrapHandler;
        st().mstatus |= kFsInitial;
        st().frm = frm;
        program({fadd_s(3, 1, 2, 7)});
        step();
        EXPECT_TRUE(trapped()) << int{frm};
        EXPECT_EQ(st().mcause, 2u);
    }
    // Instructions without a rounding mode do not care about frm.
    hart->reset(kCode);
    st().mstatus |= kFsInitial;
    st().frm = 7;
    program({fsgnj_s(3, 1, 2)});
    step();
    EXPECT_EQ(st().pc, kCode + 4);
}

TEST_F(FpTest, FlagsAccrue) {
    st().f[1] = fpu_box(kOne);
    st().f[2] = fpu_box(kThree);
    st().f[4] = fpu_box(0); // +0
    program({fdiv_s(3, 1, 2), fdiv_s(5, 1, 4), fcvt_w_s(a0, 6, 1)});
    st().f[6] = fpu_box(0x7fc00000); // NaN
    step(3);
    EXPECT_EQ(st().fflags, 0x1u | 0x8u | 0x10u); // NX, DZ, NV
    EXPECT_EQ(x(a0), 0x7fffffffu);               // NaN converts to the maximum
    EXPECT_EQ(st().f[5], fpu_box(0x7f800000));   // +inf
}

TEST_F(FpTest, ConvertsSignExtendWordResults) {
    st().f[1] = fpu_box(0xcf000000); // -2^31
    program({fcvt_w_s(a0, 1, 1), fcvt_s_w(2, a1)});
    set_x(a1, 0xffffffff00000003); // only the low 32 bits count: 3
    step(2);
    EXPECT_EQ(x(a0), 0xffffffff80000000);
    EXPECT_EQ(st().f[2], fpu_box(kThree));
}

TEST_F(FpTest, DoublePrecisionDoesNotBox) {
    program({fmv_d_x(1, a0), fadd_d(2, 1, 1), fmv_x_d(a1, 2)});
    set_x(a0, 0x3ff0000000000000); // 1.0
    step(3);
    EXPECT_EQ(x(a1), 0x4000000000000000u);
}

} // namespace
} // namespace kite::riscv::test
