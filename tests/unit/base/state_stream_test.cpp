#include "base/state_stream.h"

#include <gtest/gtest.h>

namespace kite {
namespace {

TEST(StateStream, FieldsComeBackInOrder) {
    StateWriter out;
    out.put_u8(0x12);
    out.put_u16(0x3456);
    out.put_u32(0x789a'bcde);
    out.put_u64(0x0102'0304'0506'0708);
    out.put_bool(true);
    out.put_bytes(std::vector<u8>{1, 2, 3});
    EXPECT_EQ(out.bytes().size(), 1u + 2 + 4 + 8 + 1 + 4 + 3);

    StateReader in(out.bytes());
    EXPECT_EQ(*in.get_u8(), 0x12);
    EXPECT_EQ(*in.get_u16(), 0x3456);
    EXPECT_EQ(*in.get_u32(), 0x789a'bcdeu);
    EXPECT_EQ(*in.get_u64(), 0x0102'0304'0506'0708u);
    EXPECT_TRUE(*in.get_bool());
    EXPECT_EQ(*in.get_bytes(3), (std::vector<u8>{1, 2, 3}));
    EXPECT_TRUE(in.at_end());
    EXPECT_TRUE(in.expect_end());
}

TEST(StateStream, BadStreamsAreErrors) {
    std::vector<u8> three{1, 2, 3};
    StateReader short_in(three);
    EXPECT_FALSE(short_in.get_u32());
    EXPECT_FALSE(short_in.expect_end());

    std::vector<u8> flag{2};
    StateReader bad_flag(flag);
    EXPECT_FALSE(bad_flag.get_bool());

    StateWriter out;
    out.put_bytes(std::vector<u8>(8, 0));
    StateReader too_long(out.bytes());
    EXPECT_FALSE(too_long.get_bytes(7));
    std::vector<u8> lying{0xff, 0xff, 0, 0, 1};
    StateReader past_end(lying);
    EXPECT_FALSE(past_end.get_bytes(1 << 20));
}

} // namespace
} // namespace kite
