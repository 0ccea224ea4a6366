#include "devices/debug_exit/debug_exit.h"

#include <gtest/gtest.h>
#include <optional>

namespace kite::devices {
namespace {

class DebugExitTest : public ::testing::Test {
protected:
    std::optional<int> status;
    int calls = 0;
    DebugExit device{[this](int s) {
        status = s;
        ++calls;
    }};
};

TEST_F(DebugExitTest, OneByteWrite) {
    const u8 value[1] = {0x10};
    device.write(0, value);
    EXPECT_EQ(status, 0x21);
    const u8 zero[1] = {0};
    device.write(0, zero);
    EXPECT_EQ(status, 1); // a guest cannot report plain success
    EXPECT_EQ(calls, 2);
}

TEST_F(DebugExitTest, TwoByteWriteIsLittleEndian) {
    const u8 value[2] = {0x34, 0x12};
    device.write(0, value);
    EXPECT_EQ(status, (0x1234 << 1) | 1);
}

TEST_F(DebugExitTest, FourByteWriteIsLittleEndian) {
    const u8 value[4] = {0x78, 0x56, 0x34, 0x12};
    device.write(0, value);
    EXPECT_EQ(status, static_cast<int>((0x1234'5678ull << 1) | 1));
    EXPECT_EQ(DebugExit::status_for(0x31), 0x63);
}

TEST_F(DebugExitTest, OtherWidthsAreIgnored) {
    const u8 value[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    device.write(0, value);
    device.write(0, std::span<const u8>(value, 3));
    EXPECT_EQ(calls, 0);
}

TEST_F(DebugExitTest, ReadsZero) {
    u8 data[4] = {0xAA, 0xAA, 0xAA, 0xAA};
    device.read(0, data);
    for (u8 b : data)
        EXPECT_EQ(b, 0);
    EXPECT_EQ(calls, 0);
}

} // namespace
} // namespace kite::devices
