#include "devices/sifive_test/sifive_test.h"
#include "mmio.h"

#include <gtest/gtest.h>
#include <vector>

namespace kite::devices {
namespace {

using Kind = SifiveTestEvent::Kind;

class SifiveTestTest : public ::testing::Test {
protected:
    std::vector<SifiveTestEvent> events;
    SifiveTest device{[this](SifiveTestEvent event) { events.push_back(event); }};
};

TEST_F(SifiveTestTest, Pass) {
    test::write32(device, 0, 0x5555);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].kind, Kind::Pass);
    EXPECT_EQ(events[0].code, 0);
}

TEST_F(SifiveTestTest, Reset) {
    test::write32(device, 0, 0x7777);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].kind, Kind::Reset);
}

TEST_F(SifiveTestTest, FailCarriesCode) {
    test::write32(device, 0, 0x3333 | (42u << 16));
    test::write32(device, 0, 0x3333 | (0xFFFFu << 16));
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].kind, Kind::Fail);
    EXPECT_EQ(events[0].code, 42);
    EXPECT_EQ(events[1].code, 0xFFFF);
}

TEST_F(SifiveTestTest, OtherWritesIgnoredAndReadsZero) {
    test::write32(device, 0, 0x1234);
    test::write32(device, 4, 0x5555);    // only offset 0 is the finisher
    test::write_n<1>(device, 0, 0x55);   // too narrow for a command
    test::write_n<8>(device, 0, 0x5555); // too wide
    EXPECT_TRUE(events.empty());
    EXPECT_EQ(device.ignored_access_count(), 4u);
    EXPECT_EQ(test::read32(device, 0), 0u);
    EXPECT_EQ(test::read_n<8>(device, 8), 0u);

    test::write_n<2>(device, 0, 0x7777); // 16-bit writes work too
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].kind, Kind::Reset);
}

} // namespace
} // namespace kite::devices
