#include "devices/i8042/i8042.h"

#include <gtest/gtest.h>

namespace kite::devices {
namespace {

class I8042Test : public ::testing::Test {
protected:
    int resets = 0;
    I8042 device{[this] { ++resets; }};

    void write8(u64 offset, u8 value) { device.write(offset, std::span<const u8>(&value, 1)); }
    u8 read8(u64 offset) {
        u8 value = 0xAA;
        device.read(offset, std::span(&value, 1));
        return value;
    }
};

TEST_F(I8042Test, PulseResetCommandCallsCallback) {
    write8(I8042::kCommandOffset, 0xFE);
    EXPECT_EQ(resets, 1);
}

TEST_F(I8042Test, OtherWritesAreIgnored) {
    write8(I8042::kDataOffset, 0xFE); // the data port is not the command port
    write8(I8042::kCommandOffset, 0xAA);
    write8(I8042::kCommandOffset, 0x20);
    const u8 wide[2] = {0xFE, 0xFE};
    device.write(I8042::kCommandOffset, wide);
    EXPECT_EQ(resets, 0);
}

TEST_F(I8042Test, ReadsShowNothingPending) {
    EXPECT_EQ(read8(I8042::kCommandOffset), 0); // status: output and input buffers empty
    EXPECT_EQ(read8(I8042::kDataOffset), 0);
}

TEST(I8042Attach, TakesPorts0x60And0x64AndLeaves0x61Free) {
    int resets = 0;
    Bus pio("pio");
    ASSERT_TRUE(I8042::attach(pio, I8042::kDefaultPort, std::make_shared<I8042>([&] { ++resets; })));
    EXPECT_TRUE(pio.insert(0x61, 1, std::make_shared<I8042>(nullptr), "port 0x61")); // free for the PIT's port B
    u8 value = 0xAA;
    pio.read(0x60, std::span(&value, 1));
    EXPECT_EQ(value, 0);
    value = I8042::kCommandPulseReset;
    pio.write(0x60, std::span<const u8>(&value, 1));
    EXPECT_EQ(resets, 0);
    pio.write(0x64, std::span<const u8>(&value, 1));
    EXPECT_EQ(resets, 1);
}

} // namespace
} // namespace kite::devices
