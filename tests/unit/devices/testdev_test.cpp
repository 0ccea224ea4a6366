#include "devices/testdev/testdev.h"

#include <array>
#include <cstring>
#include <gtest/gtest.h>
#include <thread>

namespace kite::devices {
namespace {

template <std::size_t N>
std::array<u8, N> read_n(BusDevice& device, u64 offset) {
    std::array<u8, N> data{};
    device.read(offset, data);
    return data;
}

TEST(TestDevPort, StoresAnyWidth) {
    TestDevPort port;
    const u8 dword[4] = {1, 2, 3, 4};
    port.write(0, dword);
    EXPECT_EQ(read_n<4>(port, 0), (std::array<u8, 4>{1, 2, 3, 4}));
    const u8 byte[1] = {0x99};
    port.write(2, byte);
    EXPECT_EQ(read_n<4>(port, 0), (std::array<u8, 4>{1, 2, 0x99, 4}));
    const u8 word[2] = {0xAB, 0xCD};
    port.write(1, word);
    EXPECT_EQ(read_n<2>(port, 1), (std::array<u8, 2>{0xAB, 0xCD}));
    EXPECT_EQ(read_n<1>(port, 3), (std::array<u8, 1>{4}));
}

TEST(TestDevPort, OutOfBounds) {
    TestDevPort port;
    const u8 word[2] = {5, 6};
    port.write(3, word); // crosses the end: ignored
    EXPECT_EQ(read_n<4>(port, 0), (std::array<u8, 4>{0, 0, 0, 0}));
    EXPECT_EQ(read_n<2>(port, 3), (std::array<u8, 2>{0xFF, 0xFF}));
    EXPECT_EQ(read_n<8>(port, 0)[0], 0xFF);
}

TEST(TestDevMmio, RoundTripsAllWidths) {
    TestDevMmio mmio;
    u64 value = 0x1122'3344'5566'7788;
    u8 bytes[8];
    std::memcpy(bytes, &value, 8);
    mmio.write(0x100, bytes);
    EXPECT_EQ(read_n<1>(mmio, 0x100)[0], 0x88); // little-endian
    auto four = read_n<4>(mmio, 0x104);
    u32 high;
    std::memcpy(&high, four.data(), 4);
    EXPECT_EQ(high, 0x1122'3344u);
    auto two = read_n<2>(mmio, 0x102);
    EXPECT_EQ(two[0], 0x66);
    EXPECT_EQ(two[1], 0x55);
    auto eight = read_n<8>(mmio, 0x100);
    u64 back;
    std::memcpy(&back, eight.data(), 8);
    EXPECT_EQ(back, value);
}

TEST(TestDevMmio, LastBytesAndBounds) {
    TestDevMmio mmio;
    const u8 bytes[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    mmio.write(TestDevMmio::kLength - 8, bytes);
    EXPECT_EQ(read_n<8>(mmio, TestDevMmio::kLength - 8)[7], 8);
    EXPECT_EQ(read_n<8>(mmio, TestDevMmio::kLength - 4),
              (std::array<u8, 8>{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}));
    mmio.write(TestDevMmio::kLength - 4, bytes); // crosses the end: ignored
    EXPECT_EQ(read_n<4>(mmio, TestDevMmio::kLength - 4), (std::array<u8, 4>{5, 6, 7, 8}));
    EXPECT_EQ(read_n<1>(mmio, TestDevMmio::kLength)[0], 0xFF);
    EXPECT_EQ(read_n<1>(mmio, ~u64{0})[0], 0xFF); // no overflow in the bounds check
}

TEST(TestDevMmio, OddWidthsAreRejected) {
    TestDevMmio mmio;
    const u8 three[3] = {9, 9, 9};
    mmio.write(0, three);
    EXPECT_EQ(read_n<4>(mmio, 0), (std::array<u8, 4>{0, 0, 0, 0}));
    EXPECT_EQ(read_n<3>(mmio, 0), (std::array<u8, 3>{0xFF, 0xFF, 0xFF}));
}

TEST(TestDevMmio, ConcurrentAccess) {
    TestDevMmio mmio;
    auto worker = [&mmio](u64 base) {
        for (u64 i = 0; i < 1000; ++i) {
            u64 value = base + i;
            u8 bytes[8];
            std::memcpy(bytes, &value, 8);
            mmio.write(base, bytes);
            auto back = read_n<8>(mmio, base);
            u64 read_value;
            std::memcpy(&read_value, back.data(), 8);
            EXPECT_EQ(read_value, value);
        }
    };
    std::thread a(worker, 0x0), b(worker, 0x800);
    a.join();
    b.join();
}

} // namespace
} // namespace kite::devices
