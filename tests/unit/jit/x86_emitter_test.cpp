// The x86-64 back end: generated code runs and computes what the IR says.
#include "jit/x86_emitter.h"

#include <gtest/gtest.h>

namespace kite::jit {
namespace {

class X86EmitterTest : public ::testing::Test {
protected:
    void run(const Block& block) {
        auto fn = emit_x86(block, code);
        ASSERT_TRUE(fn) << fn.error().message();
        ASSERT_TRUE(code.seal());
        (*fn)(&ctx);
    }
    CodeBuffer code = CodeBuffer::create(4096).value();
    Context ctx;
};

TEST_F(X86EmitterTest, EmptyBlockReturns) {
    ctx.regs[3] = 7;
    run({});
    EXPECT_EQ(ctx.regs[3], 7u);
}

TEST_F(X86EmitterTest, ArithmeticAndLogic) {
    run({{Op::MovImm, 1, 0, 0, 0x0123456789abcdef},
         {Op::MovImm, 2, 0, 0, -1},
         {Op::Add, 3, 1, 2},
         {Op::Sub, 4, 1, 2},
         {Op::And, 5, 1, 2},
         {Op::Or, 6, 1, 0},
         {Op::Xor, 7, 1, 2},
         {Op::AddImm, 8, 1, 0, 0x100000000},
         {Op::Mov, 31, 8}});
    EXPECT_EQ(ctx.regs[3], 0x0123456789abcdeeu);
    EXPECT_EQ(ctx.regs[4], 0x0123456789abcdf0u);
    EXPECT_EQ(ctx.regs[5], 0x0123456789abcdefu);
    EXPECT_EQ(ctx.regs[6], 0x0123456789abcdefu);
    EXPECT_EQ(ctx.regs[7], ~u64{0x0123456789abcdef});
    EXPECT_EQ(ctx.regs[8], 0x0123456889abcdefu);
    EXPECT_EQ(ctx.regs[31], 0x0123456889abcdefu);
}

TEST_F(X86EmitterTest, DestinationMayBeASource) {
    ctx.regs[1] = 5;
    run({{Op::Add, 1, 1, 1}, {Op::AddImm, 1, 1, 0, -3}});
    EXPECT_EQ(ctx.regs[1], 7u);
}

TEST_F(X86EmitterTest, TwoBlocksInOneBuffer) {
    auto first = emit_x86({{Op::MovImm, 0, 0, 0, 11}}, code);
    auto second = emit_x86({{Op::MovImm, 0, 0, 0, 22}}, code);
    ASSERT_TRUE(first && second);
    ASSERT_TRUE(code.seal());
    (*second)(&ctx);
    EXPECT_EQ(ctx.regs[0], 22u);
    (*first)(&ctx);
    EXPECT_EQ(ctx.regs[0], 11u);
}

TEST_F(X86EmitterTest, RegisterOutOfRangeIsAnError) {
    auto fn = emit_x86({{Op::Mov, 32, 0}}, code);
    ASSERT_FALSE(fn);
    EXPECT_NE(fn.error().message().find("register"), std::string::npos);
}

TEST_F(X86EmitterTest, FullBufferIsAnError) {
    auto small = CodeBuffer::create(4);
    ASSERT_TRUE(small);
    EXPECT_FALSE(emit_x86({{Op::MovImm, 0, 0, 0, 1}}, *small));
}

} // namespace
} // namespace kite::jit
