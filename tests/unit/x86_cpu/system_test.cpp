// SYSCALL/SYSRET, SWAPGS, RDMSR/WRMSR.
#include "cpu/x86/msr.h"
#include "cpu_fixture.h"

namespace kite::x86::test {
namespace {

class X86SystemTest : public X86CpuTest {
protected:
    X86SystemTest() {
        CpuState& s = cpu.state();
        s.seg[CS] = Segment{.selector = 0x08, .attr = 0x29a};
        s.efer = efer::SCE | efer::LME | efer::LMA;
        s.star = (u64{0x10} << 48) | (u64{0x08} << 32); // kernel CS 0x08; user CS 0x23, SS 0x1b
        s.lstar = kCode + 0x800;
        s.sfmask = flag::IF | flag::DF;
    }

    Exception fault() {
        const RunResult r = cpu.run(1);
        EXPECT_TRUE(r.exception.has_value());
        return r.exception.value_or(Exception{});
    }
};

TEST_F(X86SystemTest, SyscallAndSysretRoundTrip) {
    code({0x0f, 0x05});                      // syscall
    load(kCode + 0x800, {0x48, 0x0f, 0x07}); // sysretq
    CpuState& s = cpu.state();
    s.seg[CS] = Segment{.selector = 0x23, .attr = 0x2fa};
    s.rflags = flag::FIXED1 | flag::IF | flag::DF | flag::CF;
    run(1);
    EXPECT_EQ(s.rip, kCode + 0x800);
    EXPECT_EQ(reg(RCX), kCode + 2);
    EXPECT_EQ(reg(R11), flag::FIXED1 | flag::IF | flag::DF | flag::CF);
    EXPECT_EQ(s.seg[CS].selector, 0x08);
    EXPECT_EQ(s.seg[SS].selector, 0x10);
    EXPECT_EQ(s.cpl(), 0);
    EXPECT_EQ(s.rflags & (flag::IF | flag::DF), 0u); // masked by SFMASK
    run(1);
    EXPECT_EQ(s.rip, kCode + 2);
    EXPECT_EQ(s.seg[CS].selector, 0x23);
    EXPECT_EQ(s.seg[SS].selector, 0x1b);
    EXPECT_EQ(s.cpl(), 3);
    EXPECT_EQ(s.rflags & flag::IF, flag::IF);
}

TEST_F(X86SystemTest, SyscallNeedsSce) {
    code({0x0f, 0x05});
    cpu.state().efer &= ~efer::SCE;
    EXPECT_EQ(fault().vector, Vector::UD);
}

TEST_F(X86SystemTest, SysretFaults) {
    code({0x48, 0x0f, 0x07});
    reg(RCX) = 0x0000800000000000; // not canonical
    EXPECT_EQ(fault().vector, Vector::GP);
    cpu.state().seg[CS].selector = 0x23; // CPL 3
    reg(RCX) = kCode;
    EXPECT_EQ(fault().vector, Vector::GP);
}

TEST_F(X86SystemTest, SwapgsAndFsGsBases) {
    code({0x0f, 0x01, 0xf8,                                       // swapgs
          0x65, 0x48, 0x8b, 0x04, 0x25, 0x08, 0x00, 0x00, 0x00}); // mov rax, gs:[8]
    cpu.state().kernel_gs_base = kData;
    cpu.state().seg[GS].base = 0x1234;
    load(kData + 8, {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88});
    run(2);
    EXPECT_EQ(cpu.state().kernel_gs_base, 0x1234u);
    EXPECT_EQ(reg(RAX), 0x8877665544332211u);
    cpu.state().rip = kCode;
    cpu.state().seg[CS].selector = 0x23;
    EXPECT_EQ(fault().vector, Vector::GP);
}

TEST_F(X86SystemTest, RdmsrWrmsr) {
    code({0x0f, 0x30,   // wrmsr
          0x0f, 0x32}); // rdmsr
    reg(RCX) = msr::FS_BASE;
    reg(RDX) = 0x00007fff;
    reg(RAX) = 0x12345678;
    run(1);
    EXPECT_EQ(cpu.state().seg[FS].base, 0x00007fff12345678u);
    reg(RAX) = 0;
    reg(RDX) = 0;
    run(1);
    EXPECT_EQ(reg(RAX), 0x12345678u);
    EXPECT_EQ(reg(RDX), 0x7fffu);
}

TEST_F(X86SystemTest, BadMsrAccessesAreGeneralProtection) {
    code({0x0f, 0x32}); // rdmsr
    reg(RCX) = 0x12345;
    EXPECT_EQ(fault().vector, Vector::GP);
    code({0x0f, 0x30}); // wrmsr
    reg(RCX) = msr::GS_BASE;
    reg(RDX) = 0x00008000; // not canonical
    EXPECT_EQ(fault().vector, Vector::GP);
    reg(RCX) = msr::EFER;
    reg(RDX) = 0;
    reg(RAX) = 1 << 2; // reserved
    EXPECT_EQ(fault().vector, Vector::GP);
    cpu.state().seg[CS].selector = 0x23; // CPL 3
    reg(RCX) = msr::STAR;
    EXPECT_EQ(fault().vector, Vector::GP);
}

} // namespace
} // namespace kite::x86::test
