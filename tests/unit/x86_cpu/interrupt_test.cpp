// Exception and interrupt delivery through the 64-bit IDT, and IRETQ.
#include "cpu_fixture.h"

namespace kite::x86::test {
namespace {

class X86IdtTest : public X86CpuTest {
protected:
    static constexpr u64 kGdt = kData;
    static constexpr u64 kIdt = kData + 0x100;
    static constexpr u64 kTss = kData + 0x1100;
    static constexpr u64 kHandler = kCode + 0x800;
    static constexpr u64 kRsp0 = kBase + 0xe000;
    static constexpr u64 kIst1 = kBase + 0xd008; // aligned down to 16 on use
    static constexpr u16 kKernelCs = 0x08;
    static constexpr u16 kKernelDs = 0x10;
    static constexpr u16 kUserCs = 0x18 | 3;
    static constexpr u16 kUserDs = 0x20 | 3;

    X86IdtTest() {
        put64(kGdt + 0x08, 0x00209a0000000000); // 64-bit code, DPL 0
        put64(kGdt + 0x10, 0x0000920000000000); // data, DPL 0
        put64(kGdt + 0x18, 0x0020fa0000000000); // 64-bit code, DPL 3
        put64(kGdt + 0x20, 0x0000f20000000000); // data, DPL 3
        CpuState& s = cpu.state();
        s.gdtr = {.base = kGdt, .limit = 0x27};
        s.idtr = {.base = kIdt, .limit = 0xfff};
        s.tr = Segment{.selector = 0x28, .base = kTss, .limit = 0x67};
        put64(kTss + 4, kRsp0);
        put64(kTss + 0x24, kIst1);
        s.seg[CS] = Segment{.selector = kKernelCs, .attr = 0x29a};
        s.seg[SS] = Segment{.selector = kKernelDs, .attr = 0x92};
        s.rflags = flag::FIXED1 | flag::IF;
        for (u8 v = 0; v < 32; ++v)
            gate(v, kHandler + v, 0x8e, 0); // interrupt gates, DPL 0
    }

    void put64(u64 address, u64 value) {
        for (int i = 0; i < 8; ++i)
            memory.bytes()[address - kBase + static_cast<u64>(i)] = static_cast<u8>(value >> (8 * i));
    }

    // type_attr: P|DPL|type (0x8e interrupt gate, 0x8f trap gate, +0x60 for DPL 3).
    void gate(u8 vector, u64 target, u8 type_attr, u8 ist) {
        const u64 low = (target & 0xffff) | (u64{kKernelCs} << 16) | (u64{ist} << 32) |
                        (u64{type_attr} << 40) | (((target >> 16) & 0xffff) << 48);
        put64(kIdt + u64{vector} * 16, low);
        put64(kIdt + u64{vector} * 16 + 8, target >> 32);
    }

    Exception fault() {
        const RunResult r = cpu.run(1);
        EXPECT_TRUE(r.exception.has_value());
        return r.exception.value_or(Exception{});
    }
};

TEST_F(X86IdtTest, DivideErrorGoesToItsHandlerWithAFrame) {
    code({0x48, 0xf7, 0xf1}); // div rcx (rcx = 0)
    reg(RCX) = 0;
    const u64 rsp = reg(RSP) = kBase + 0xc008;
    ASSERT_TRUE(cpu.deliver(fault()));
    EXPECT_EQ(cpu.state().rip, kHandler + 0);
    const u64 top = rsp & ~u64{15};
    EXPECT_EQ(reg(RSP), top - 40);
    EXPECT_EQ(read64(top - 40), kCode); // RIP of the faulting instruction
    EXPECT_EQ(read64(top - 32), kKernelCs);
    EXPECT_EQ(read64(top - 24) & flag::IF, flag::IF);
    EXPECT_EQ(read64(top - 16), rsp);
    EXPECT_EQ(read64(top - 8), kKernelDs);
    EXPECT_EQ(cpu.state().rflags & flag::IF, 0u); // an interrupt gate
}

TEST_F(X86IdtTest, PageFaultPushesItsErrorCodeAndSetsCr2) {
    code({0x48, 0x89, 0x03}); // mov [rbx], rax
    reg(RBX) = 0x200000;
    reg(RSP) = kBase + 0xc000;
    ASSERT_TRUE(cpu.deliver(fault()));
    EXPECT_EQ(cpu.state().rip, kHandler + 14);
    EXPECT_EQ(cpu.state().cr2, 0x200000u);
    EXPECT_EQ(read64(reg(RSP)), pf::WRITE);
    EXPECT_EQ(read64(reg(RSP) + 8), kCode);
}

TEST_F(X86IdtTest, IstStackIsUsedAndAligned) {
    gate(3, kHandler + 3, 0x8f, 1); // trap gate on IST1
    code({0xcc});                   // int3
    reg(RSP) = kBase + 0xc000;
    const Exception e = fault();
    EXPECT_EQ(e.vector, Vector::BP);
    EXPECT_EQ(cpu.state().rip, kCode + 1); // a trap: past the instruction
    ASSERT_TRUE(cpu.deliver(e));
    EXPECT_EQ(reg(RSP), (kIst1 & ~u64{15}) - 40);
    EXPECT_EQ(read64(reg(RSP)), kCode + 1);
    EXPECT_EQ(cpu.state().rflags & flag::IF, flag::IF); // a trap gate keeps IF
}

TEST_F(X86IdtTest, UserModeTrapSwitchesToRsp0AndIretqReturns) {
    gate(0x80, kHandler, 0xee, 0); // DPL 3 interrupt gate
    load(kHandler, {0x48, 0xcf});  // iretq
    code({0xcd, 0x80});            // int 0x80
    CpuState& s = cpu.state();
    s.seg[CS] = Segment{.selector = kUserCs, .attr = 0x2fa};
    s.seg[SS] = Segment{.selector = kUserDs, .attr = 0xf2};
    const u64 user_rsp = reg(RSP) = kBase + 0xb000;
    ASSERT_TRUE(cpu.deliver(fault()));
    EXPECT_EQ(s.cpl(), 0);
    EXPECT_EQ(reg(RSP), kRsp0 - 40);
    EXPECT_EQ(read64(kRsp0 - 8), kUserDs);
    EXPECT_EQ(read64(kRsp0 - 16), user_rsp);
    EXPECT_EQ(s.seg[SS].selector, 0); // a null SS at the new level
    run(1);                           // iretq
    EXPECT_EQ(s.rip, kCode + 2);
    EXPECT_EQ(s.seg[CS].selector, kUserCs);
    EXPECT_EQ(s.seg[SS].selector, kUserDs);
    EXPECT_EQ(reg(RSP), user_rsp);
    EXPECT_EQ(s.cpl(), 3);
}

TEST_F(X86IdtTest, SoftwareInterruptThroughAKernelOnlyGateIsGeneralProtection) {
    gate(13, kHandler + 13, 0x8e, 0);
    code({0xcd, 0x40}); // int 0x40, gate DPL 0, from CPL 3
    CpuState& s = cpu.state();
    s.seg[CS] = Segment{.selector = kUserCs, .attr = 0x2fa};
    s.seg[SS] = Segment{.selector = kUserDs, .attr = 0xf2};
    ASSERT_TRUE(cpu.deliver(fault()));
    EXPECT_EQ(s.rip, kHandler + 13);
    EXPECT_EQ(read64(reg(RSP)), 0x40u * 8 + 2); // the error code names the IDT entry
}

TEST_F(X86IdtTest, FaultWhileDeliveringIsDoubleFault) {
    gate(0, kHandler, 0x0e, 0); // #DE's gate not present: #NP, contributory
    code({0xf7, 0xf1});         // div ecx
    reg(RCX) = 0;
    reg(RSP) = kBase + 0xc000;
    ASSERT_TRUE(cpu.deliver(fault()));
    EXPECT_EQ(cpu.state().rip, kHandler + 8);
    EXPECT_EQ(read64(reg(RSP)), 0u); // #DF's error code
}

TEST_F(X86IdtTest, FaultDeliveringDoubleFaultIsTripleFault) {
    cpu.state().idtr.limit = 0; // no gate at all
    code({0xf7, 0xf1});
    reg(RCX) = 0;
    EXPECT_FALSE(cpu.deliver(fault()));
}

TEST_F(X86IdtTest, ExternalInterrupt) {
    gate(0x30, kHandler + 0x30, 0x8e, 0);
    code({0x90});
    reg(RSP) = kBase + 0xc000;
    ASSERT_TRUE(cpu.deliver(Exception{.vector = static_cast<Vector>(0x30)}));
    EXPECT_EQ(cpu.state().rip, kHandler + 0x30);
    EXPECT_EQ(read64(reg(RSP)), kCode); // no error code: RIP on top
}

} // namespace
} // namespace kite::x86::test
