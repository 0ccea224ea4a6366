#include "bus/register_device.h"

#include <array>
#include <gtest/gtest.h>
#include <vector>

using namespace kite;

namespace {

struct Access {
    u64 offset;
    unsigned width;
    u64 value;
    bool operator==(const Access&) const = default;
};

struct Recorder {
    std::vector<Access> reads, writes;
    RegisterDevice device(RegisterDevice::Layout layout) {
        return RegisterDevice(
            std::move(layout),
            [this](u64 offset, unsigned width) {
                reads.push_back({offset, width, 0});
                return 0x1122'3344'5566'7788ull + offset;
            },
            [this](u64 offset, unsigned width, u64 value) {
                writes.push_back({offset, width, value});
            });
    }
};

} // namespace

TEST(RegisterDevice, ByteRegistersTakeOnlyByteAccesses) {
    Recorder r;
    auto dev = r.device({.name = "test", .length = 4});
    std::array<u8, 1> b{};
    dev.read(3, b);
    EXPECT_EQ(b[0], 0x8B);
    EXPECT_EQ(r.reads, (std::vector<Access>{{3, 1, 0}}));
    std::array<u8, 1> v{0x5A};
    dev.write(1, v);
    EXPECT_EQ(r.writes, (std::vector<Access>{{1, 1, 0x5A}}));

    std::array<u8, 2> w{};
    dev.read(0, w); // wrong width: all ones, not passed on
    EXPECT_EQ(w, (std::array<u8, 2>{0xFF, 0xFF}));
    dev.write(0, w);
    dev.read(4, b); // past the end
    EXPECT_EQ(b[0], 0xFF);
    EXPECT_EQ(r.reads.size(), 1u);
    EXPECT_EQ(r.writes.size(), 1u);
    EXPECT_EQ(dev.ignored_access_count(), 3u);
}

TEST(RegisterDevice, WiderRegistersAreLittleEndianAndAligned) {
    Recorder r;
    auto dev = r.device({.name = "test",
                         .length = 16,
                         .widths = RegisterDevice::kDword | RegisterDevice::kQword,
                         .invalid_read = 0});
    std::array<u8, 4> d{0x78, 0x56, 0x34, 0x12};
    dev.write(4, d);
    EXPECT_EQ(r.writes.back(), (Access{4, 4, 0x1234'5678}));
    std::array<u8, 8> q{};
    dev.read(8, q);
    EXPECT_EQ(q, (std::array<u8, 8>{0x90, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11}));

    dev.read(2, d); // misaligned
    EXPECT_EQ(d, (std::array<u8, 4>{0, 0, 0, 0}));
    dev.read(12, q); // runs past the end
    std::array<u8, 1> b{};
    dev.read(0, b); // width not allowed
    std::array<u8, 3> odd{};
    dev.write(0, odd);
    EXPECT_EQ(dev.ignored_access_count(), 4u);
    EXPECT_EQ(r.reads.size(), 1u);
    EXPECT_EQ(r.writes.size(), 1u);
}

TEST(RegisterDevice, UnalignedLayoutAcceptsAnyOffsetInside) {
    Recorder r;
    auto dev = r.device({.name = "test",
                         .length = 4,
                         .widths = RegisterDevice::kByte | RegisterDevice::kWord,
                         .aligned = false});
    EXPECT_TRUE(dev.valid(1, 2));
    EXPECT_TRUE(dev.valid(2, 2));
    EXPECT_FALSE(dev.valid(3, 2));
    EXPECT_FALSE(dev.valid(0, 4));
}
