// The run loop: fetch across pages, the decode cache and self-modifying
// code, precise exceptions, #UD with the instruction's bytes.
#include "cpu_fixture.h"

namespace kite::x86::test {
namespace {

TEST_F(X86CpuTest, RunsStraightLineCode) {
    code({0x48, 0xc7, 0xc0, 0x05, 0x00, 0x00, 0x00, // mov rax, 5
          0x48, 0x83, 0xc0, 0x03});                 // add rax, 3
    run(2);
    EXPECT_EQ(reg(RAX), 8u);
    EXPECT_EQ(cpu.state().rip, kCode + 11);
}

TEST_F(X86CpuTest, UndefinedOpcodeCarriesItsBytes) {
    code({0x0f, 0x0b}); // ud2
    const RunResult r = cpu.run(1);
    ASSERT_TRUE(r.exception.has_value());
    EXPECT_EQ(r.exception->vector, Vector::UD);
    ASSERT_EQ(r.exception->byte_count, 2);
    EXPECT_EQ(r.exception->bytes[0], 0x0f);
    EXPECT_EQ(r.exception->bytes[1], 0x0b);
    EXPECT_EQ(cpu.state().rip, kCode); // precise: RIP at the instruction
}

TEST_F(X86CpuTest, UnimplementedInstructionIsUndefined) {
    code({0x0f, 0xa2}); // cpuid: decodes, not executed by this core yet
    const RunResult r = cpu.run(1);
    ASSERT_TRUE(r.exception.has_value());
    EXPECT_EQ(r.exception->vector, Vector::UD);
    EXPECT_EQ(r.exception->byte_count, 2);
}

// Found by fuzz_x86_cpu: a far JMP's 10-byte memory operand overflowed the
// operand buffer. Far branches belong to the system side: #UD for now.
TEST_F(X86CpuTest, FarBranchesAreUndefined) {
    code({0x48, 0xff, 0x2b}); // jmp far [rbx] (m16:64)
    reg(RBX) = kData;
    EXPECT_EQ(cpu.run(1).exception->vector, Vector::UD);
    code({0xcb}); // retf
    EXPECT_EQ(cpu.run(1).exception->vector, Vector::UD);
}

TEST_F(X86CpuTest, DivideErrorLeavesStateUnchanged) {
    code({0x48, 0xf7, 0xf1}); // div rcx
    reg(RAX) = 10;
    reg(RDX) = 0;
    reg(RCX) = 0;
    const RunResult r = cpu.run(1);
    ASSERT_TRUE(r.exception.has_value());
    EXPECT_EQ(r.exception->vector, Vector::DE);
    EXPECT_EQ(reg(RAX), 10u);
    EXPECT_EQ(cpu.state().rip, kCode);
}

TEST_F(X86CpuTest, QuotientOverflowIsDivideError) {
    code({0xf7, 0xf9}); // idiv ecx
    reg(RAX) = 0x80000000;
    reg(RDX) = 0xffffffff;
    reg(RCX) = 0xffffffff; // INT_MIN / -1
    EXPECT_EQ(cpu.run(1).exception->vector, Vector::DE);
}

TEST_F(X86CpuTest, PageFaultOutsideMemoryIsPrecise) {
    code({0x48, 0x8b, 0x03}); // mov rax, [rbx]
    reg(RBX) = 0x100000;
    const RunResult r = cpu.run(1);
    ASSERT_TRUE(r.exception.has_value());
    EXPECT_EQ(r.exception->vector, Vector::PF);
    EXPECT_EQ(r.exception->fault_address, 0x100000u);
    EXPECT_EQ(cpu.state().rip, kCode);
}

TEST_F(X86CpuTest, NonCanonicalAddressIsGeneralProtection) {
    code({0x48, 0x8b, 0x03}); // mov rax, [rbx]
    reg(RBX) = 0x0000800000000000;
    const RunResult r = cpu.run(1);
    EXPECT_EQ(r.exception->vector, Vector::GP);
    EXPECT_EQ(r.exception->error_code, 0u);
}

TEST_F(X86CpuTest, InstructionAcrossAPageEndIsFetchedWhole) {
    const u64 at = kBase + 0x1000 - 3;
    load(at, {0x48, 0xc7, 0xc0, 0x2a, 0x00, 0x00, 0x00}); // mov rax, 42
    cpu.state().rip = at;
    run(1);
    EXPECT_EQ(reg(RAX), 42u);
}

TEST_F(X86CpuTest, FetchFromAMissingPageFaults) {
    cpu.state().rip = kBase + kSize - 2;
    load(kBase + kSize - 2, {0x48, 0xc7}); // the rest would be on the next page
    const RunResult r = cpu.run(1);
    ASSERT_TRUE(r.exception.has_value());
    EXPECT_EQ(r.exception->vector, Vector::PF);
    EXPECT_EQ(*r.exception->error_code & pf::FETCH, pf::FETCH);
}

// The store rewrites the immediate of the next instruction, which was
// decoded (and cached) on the first pass: the second pass must see the new
// bytes.
TEST_F(X86CpuTest, SelfModifyingCodeIsSeen) {
    code({0xb8, 0x01, 0x00, 0x00, 0x00,             // 0: mov eax, 1
          0xc6, 0x05, 0xf5, 0xff, 0xff, 0xff, 0x07, // 5: mov byte [rip - 11], 7   (the imm of insn 0)
          0xeb, 0xf2});                             // 12: jmp 0
    run(1);
    EXPECT_EQ(reg(RAX), 1u);
    run(3); // the store, the jump, mov eax again
    EXPECT_EQ(reg(RAX), 7u);
}

TEST_F(X86CpuTest, DecodeCacheKeepsCodePagesUntilWritten) {
    code({0x90, 0x90});
    run(2);
    EXPECT_EQ(cpu.decode_cache().page_count(), 1u);
    code({0xeb, 0xfe}); // a write by the host through invalidate()
    cpu.decode_cache().invalidate(kCode, 2);
    EXPECT_EQ(cpu.decode_cache().page_count(), 0u);
}

TEST_F(X86CpuTest, LongRepRestartsItselfInChunks) {
    code({0xf3, 0xaa}); // rep stosb
    reg(RDI) = kData;
    reg(RCX) = 5000;
    reg(RAX) = 0x5a;
    run(1);
    EXPECT_EQ(cpu.state().rip, kCode); // not finished: same instruction again
    run(1);
    EXPECT_EQ(cpu.state().rip, kCode + 2);
    EXPECT_EQ(reg(RCX), 0u);
    EXPECT_EQ(reg(RDI), kData + 5000);
    EXPECT_EQ(memory.bytes()[kData + 4999 - kBase], 0x5a);
}

TEST_F(X86CpuTest, RepStringFaultKeepsProgress) {
    code({0xf3, 0x48, 0xab}); // rep stosq
    reg(RDI) = kBase + kSize - 16;
    reg(RCX) = 4;
    const RunResult r = cpu.run(1);
    ASSERT_TRUE(r.exception.has_value());
    EXPECT_EQ(r.exception->vector, Vector::PF);
    EXPECT_EQ(reg(RCX), 2u); // two stores done
    EXPECT_EQ(reg(RDI), kBase + kSize);
    EXPECT_EQ(cpu.state().rip, kCode);
}

} // namespace
} // namespace kite::x86::test
