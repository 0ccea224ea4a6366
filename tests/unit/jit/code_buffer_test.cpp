// CodeBuffer: bounded appends, W^X sealing, a clear error when full.
#include "jit/code_buffer.h"

#include <gtest/gtest.h>

#include <array>

namespace kite::jit {
namespace {

TEST(CodeBufferTest, AppendsUntilFullThenFailsClearly) {
    auto buf = CodeBuffer::create(8);
    ASSERT_TRUE(buf);
    const std::array<u8, 5> code{1, 2, 3, 4, 5};
    auto first = buf->append(code);
    ASSERT_TRUE(first);
    EXPECT_EQ((*first)[4], 5);
    EXPECT_EQ(buf->used(), 5u);
    auto second = buf->append(code);
    ASSERT_FALSE(second);
    EXPECT_NE(second.error().message().find("code buffer full"), std::string::npos);
    EXPECT_EQ(buf->used(), 5u);
}

TEST(CodeBufferTest, SealedBufferRefusesAppendsUntilUnsealed) {
    auto buf = CodeBuffer::create(4096);
    ASSERT_TRUE(buf);
    const std::array<u8, 1> ret{0xc3};
    ASSERT_TRUE(buf->seal());
    EXPECT_TRUE(buf->sealed());
    EXPECT_FALSE(buf->append(ret));
    ASSERT_TRUE(buf->unseal());
    EXPECT_TRUE(buf->append(ret));
}

TEST(CodeBufferTest, ZeroCapacityIsAnError) { EXPECT_FALSE(CodeBuffer::create(0)); }

TEST(CodeBufferTest, MoveTransfersOwnership) {
    auto buf = CodeBuffer::create(64);
    ASSERT_TRUE(buf);
    CodeBuffer moved = std::move(*buf);
    EXPECT_EQ(moved.capacity(), 64u);
    EXPECT_EQ(buf->capacity(), 0u);
}

} // namespace
} // namespace kite::jit
