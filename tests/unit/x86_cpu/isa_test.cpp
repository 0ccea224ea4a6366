// Instructions the differential test cannot check against Unicorn (its CPU
// lacks them, or its result is undefined and differs), with values worked
// out from the SDM and checked on hardware.
#include "cpu_fixture.h"

namespace kite::x86::test {
namespace {

TEST_F(X86CpuTest, Popcnt) {
    code({0xf3, 0x48, 0x0f, 0xb8, 0xc3}); // popcnt rax, rbx
    reg(RBX) = 0xf0f0000000000001;
    cpu.state().rflags |= flag::CF | flag::ZF;
    run(1);
    EXPECT_EQ(reg(RAX), 9u);
    EXPECT_EQ(flags() & flag::ARITH, 0u);
    code({0xf3, 0x48, 0x0f, 0xb8, 0xc3});
    cpu.state().rip = kCode;
    reg(RBX) = 0;
    run(1);
    EXPECT_EQ(reg(RAX), 0u);
    EXPECT_EQ(flags() & flag::ARITH, flag::ZF);
}

TEST_F(X86CpuTest, TzcntAndLzcnt) {
    code({0xf3, 0x0f, 0xbc, 0xc3,   // tzcnt eax, ebx
          0xf3, 0x0f, 0xbd, 0xcb}); // lzcnt ecx, ebx
    reg(RBX) = 0x00100000;
    run(2);
    EXPECT_EQ(reg(RAX), 20u);
    EXPECT_EQ(reg(RCX), 11u);
    EXPECT_EQ(flags() & (flag::CF | flag::ZF), 0u);
    cpu.state().rip = kCode;
    reg(RBX) = 0;
    run(1);
    EXPECT_EQ(reg(RAX), 32u); // operand size
    EXPECT_EQ(flags() & flag::CF, flag::CF);
}

TEST_F(X86CpuTest, Movbe) {
    code({0x48, 0x0f, 0x38, 0xf1, 0x03, // movbe [rbx], rax
          0x0f, 0x38, 0xf0, 0x0b});     // movbe ecx, [rbx]
    reg(RBX) = kData;
    reg(RAX) = 0x0102030405060708;
    reg(RCX) = ~u64{0};
    run(2);
    EXPECT_EQ(read64(kData), 0x0807060504030201u);
    EXPECT_EQ(reg(RCX), 0x01020304u); // the first four bytes, swapped, zero-extended
}

TEST_F(X86CpuTest, BsfWithZeroSourceLeavesTheDestination) {
    code({0x0f, 0xbc, 0xc3}); // bsf eax, ebx
    reg(RAX) = 0xffffffff12345678;
    reg(RBX) = 0;
    run(1);
    EXPECT_EQ(reg(RAX), 0xffffffff12345678u);
    EXPECT_EQ(flags() & flag::ZF, flag::ZF);
}

TEST_F(X86CpuTest, ThirtyTwoBitRotateByZeroStillZeroExtends) {
    code({0xc1, 0xc6, 0x40}); // rol esi, 0x40 (masked count 0)
    reg(RSI) = 0xf7ed6044161c39a7;
    cpu.state().rflags |= flag::CF;
    run(1);
    EXPECT_EQ(reg(RSI), 0x161c39a7u);
    EXPECT_EQ(flags() & flag::CF, flag::CF);
}

TEST_F(X86CpuTest, Cmpxchg32KeepsTheUpperHalvesTheSdmLeavesAlone) {
    code({0x0f, 0xb1, 0xd9}); // cmpxchg ecx, ebx
    reg(RAX) = 0xaaaaaaaa00000005;
    reg(RCX) = 0xbbbbbbbb00000006;
    reg(RBX) = 9;
    run(1); // not equal: EAX loaded (zero-extended), ECX untouched
    EXPECT_EQ(reg(RAX), 6u);
    EXPECT_EQ(reg(RCX), 0xbbbbbbbb00000006u);
    cpu.state().rip = kCode;
    reg(RAX) = 0xaaaaaaaa00000006;
    run(1); // equal: ECX = EBX (zero-extended), RAX untouched
    EXPECT_EQ(reg(RAX), 0xaaaaaaaa00000006u);
    EXPECT_EQ(reg(RCX), 9u);
}

TEST_F(X86CpuTest, Cmpxchg16bNeedsAlignment) {
    code({0x48, 0x0f, 0xc7, 0x0b}); // cmpxchg16b [rbx]
    reg(RBX) = kData + 8;
    EXPECT_EQ(cpu.run(1).exception->vector, Vector::GP);
    reg(RBX) = kData;
    reg(RAX) = 0;
    reg(RDX) = 0;
    reg(RCX) = 0x1111;
    run(1);
    EXPECT_EQ(flags() & flag::ZF, flag::ZF);
    EXPECT_EQ(read64(kData), kData); // RBX
    EXPECT_EQ(read64(kData + 8), 0x1111u);
}

TEST_F(X86CpuTest, PushPopRspAndStack) {
    code({0x54,                         // push rsp
          0x5b,                         // pop rbx
          0xe8, 0x00, 0x00, 0x00, 0x00, // call next
          0x58});                       // pop rax: the return address
    const u64 top = reg(RSP);
    run(4);
    EXPECT_EQ(reg(RBX), top);
    EXPECT_EQ(reg(RAX), kCode + 7);
    EXPECT_EQ(reg(RSP), top);
}

TEST_F(X86CpuTest, EnterAndLeave) {
    code({0xc8, 0x10, 0x00, 0x02, // enter 16, 2
          0xc9});                 // leave
    reg(RBP) = reg(RSP) - 0x100;
    const u64 rbp = reg(RBP);
    const u64 top = reg(RSP);
    load(rbp - 8, {0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11});
    run(1);
    EXPECT_EQ(reg(RBP), top - 8);
    EXPECT_EQ(read64(top - 8), rbp);
    EXPECT_EQ(read64(top - 16), 0x1122334455667788u); // the outer frame pointer copied
    EXPECT_EQ(read64(top - 24), top - 8);             // and the new one
    EXPECT_EQ(reg(RSP), top - 24 - 16);
    run(1);
    EXPECT_EQ(reg(RSP), top);
    EXPECT_EQ(reg(RBP), rbp);
}

TEST_F(X86CpuTest, RipRelativeAddressing) {
    code({0x48, 0x8b, 0x05, 0xf9, 0x7f, 0x00, 0x00}); // mov rax, [rip + 0x7ff9] = kData
    load(kData, {1, 2, 3, 4, 5, 6, 7, 8});
    run(1);
    EXPECT_EQ(reg(RAX), 0x0807060504030201u);
}

TEST_F(X86CpuTest, HighByteRegisters) {
    code({0x88, 0xe3,   // mov bl, ah
          0x86, 0xcd}); // xchg ch, cl
    reg(RAX) = 0x1234;
    reg(RBX) = 0xffff;
    reg(RCX) = 0xabcd;
    run(2);
    EXPECT_EQ(reg(RBX), 0xff12u);
    EXPECT_EQ(reg(RCX), 0xcdabu);
}

} // namespace
} // namespace kite::x86::test
