#include "devices/post_code/post_code.h"

#include <array>
#include <gtest/gtest.h>

using namespace kite;
using namespace kite::devices;

TEST(PostCode, ReadsAllOnesUntilWrittenThenTheLastCode) {
    auto post = std::make_shared<PostCode>();
    Bus pio("pio");
    ASSERT_TRUE(PostCode::attach(pio, post));
    std::array<u8, 1> b{};
    pio.read(0x80, b);
    EXPECT_EQ(b[0], 0xFF);
    EXPECT_FALSE(post->written());
    pio.write(0x80, std::array<u8, 1>{0x12});
    pio.write(0x80, std::array<u8, 1>{0x34});
    pio.read(0x80, b);
    EXPECT_EQ(b[0], 0x34);
    EXPECT_TRUE(post->written());
    EXPECT_EQ(post->write_count(), 2u);
    pio.write(0x80, std::array<u8, 2>{0x56, 0x78}); // a 2-byte write is ignored
    EXPECT_EQ(post->read(), 0x34);
}
