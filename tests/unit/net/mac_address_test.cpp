#include "net/mac_address.h"

#include <gtest/gtest.h>

namespace kite::net {
namespace {

TEST(MacAddress, ParsesAndFormats) {
    auto mac = MacAddress::parse("52:54:00:12:34:56");
    ASSERT_TRUE(mac) << mac.error().message();
    EXPECT_EQ(mac->bytes, (std::array<u8, 6>{0x52, 0x54, 0x00, 0x12, 0x34, 0x56}));
    EXPECT_EQ(mac->to_string(), "52:54:00:12:34:56");
    auto upper = MacAddress::parse("02:AB:cd:EF:00:ff");
    ASSERT_TRUE(upper);
    EXPECT_EQ(upper->to_string(), "02:ab:cd:ef:00:ff");
}

TEST(MacAddress, RejectsBadInput) {
    for (const char* bad : {"", "52:54:00:12:34", "52:54:00:12:34:56:78", "52-54-00-12-34-56",
                            "52:54:00:12:34:5g", "5:254:00:12:34:56", " 52:54:00:12:34:56",
                            "52:54:00:12:34:56 ", "525400123456", "52:54:00:12:34:+6"}) {
        auto r = MacAddress::parse(bad);
        EXPECT_FALSE(r) << "accepted '" << bad << "'";
        if (!r) {
            EXPECT_NE(r.error().message().find("MAC address"), std::string::npos) << r.error().message();
        }
    }
}

TEST(MacAddress, RejectsMulticastAndZero) {
    auto multicast = MacAddress::parse("01:00:5e:00:00:01");
    ASSERT_FALSE(multicast);
    EXPECT_NE(multicast.error().message().find("multicast"), std::string::npos);
    EXPECT_FALSE(MacAddress::parse("ff:ff:ff:ff:ff:ff"));
    auto zero = MacAddress::parse("00:00:00:00:00:00");
    ASSERT_FALSE(zero);
    EXPECT_NE(zero.error().message().find("zero"), std::string::npos);
}

TEST(MacAddress, DefaultsAreStableAndDistinct) {
    EXPECT_EQ(MacAddress::default_for(0).to_string(), "52:54:00:12:34:56");
    EXPECT_EQ(MacAddress::default_for(1).to_string(), "52:54:00:12:34:57");
    EXPECT_EQ(MacAddress::default_for(0xAA).to_string(), "52:54:00:12:35:00");
    EXPECT_EQ(MacAddress::default_for(3), MacAddress::default_for(3));
    EXPECT_FALSE(MacAddress::default_for(7).is_multicast());
    // Round trip.
    EXPECT_EQ(*MacAddress::parse(MacAddress::default_for(9).to_string()), MacAddress::default_for(9));
}

} // namespace
} // namespace kite::net
