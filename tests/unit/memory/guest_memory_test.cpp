#include "memory/guest_memory.h"

#include <array>
#include <gtest/gtest.h>
#include <vector>

using namespace kite;

namespace {

GuestMemory two_adjacent_regions() {
    GuestMemory m;
    EXPECT_TRUE(m.add_region(GuestAddress(0), 64 * KiB));
    EXPECT_TRUE(m.add_region(GuestAddress(64 * KiB), 64 * KiB));
    return m;
}

} // namespace

TEST(GuestMemory, ReadBackWhatWasWritten) {
    GuestMemory m;
    ASSERT_TRUE(m.add_region(GuestAddress(0x1000), 0x1000));
    ASSERT_TRUE(m.write_obj<u32>(GuestAddress(0x1800), 0xdeadbeef));
    EXPECT_EQ(m.read_obj<u32>(GuestAddress(0x1800)).value(), 0xdeadbeefu);
    EXPECT_EQ(m.total_size(), 0x1000u);
}

TEST(GuestMemory, AccessesSpanAdjacentRegions) {
    auto m = two_adjacent_regions();
    std::vector<u8> data(32);
    for (std::size_t i = 0; i < data.size(); ++i)
        data[i] = static_cast<u8>(i);
    GuestAddress at(64 * KiB - 16);
    ASSERT_TRUE(m.write(at, data));
    std::vector<u8> back(32);
    ASSERT_TRUE(m.read(at, back));
    EXPECT_EQ(back, data);
    // A slice must not cross regions: callers get one contiguous host span.
    EXPECT_FALSE(m.slice(at, 32));
    EXPECT_TRUE(m.slice(at, 16));
}

TEST(GuestMemory, OutOfRangeIsAnErrorAndWritesNothing) {
    GuestMemory m;
    ASSERT_TRUE(m.add_region(GuestAddress(0), 4096));
    std::array<u8, 8> data{1, 2, 3, 4, 5, 6, 7, 8};
    EXPECT_FALSE(m.write(GuestAddress(4092), data));
    EXPECT_EQ(m.read_obj<u32>(GuestAddress(4092)).value(), 0u); // untouched
    EXPECT_FALSE(m.read(GuestAddress(8192), data));
    EXPECT_FALSE(m.read(GuestAddress(~0ull - 2), data)); // wraps
    EXPECT_FALSE(m.fill(GuestAddress(4000), 0xff, 200));
    EXPECT_FALSE(m.is_valid_range(GuestAddress(4095), 2));
    EXPECT_TRUE(m.is_valid_range(GuestAddress(4095), 1));
}

TEST(GuestMemory, HolesBetweenRegionsAreErrors) {
    GuestMemory m;
    ASSERT_TRUE(m.add_region(GuestAddress(0), 4096));
    ASSERT_TRUE(m.add_region(GuestAddress(8192), 4096));
    std::array<u8, 16> data{};
    EXPECT_FALSE(m.read(GuestAddress(4090), data));
    EXPECT_TRUE(m.read(GuestAddress(8192), data));
}

TEST(GuestMemory, RejectsOverlappingZeroAndWrappingRegions) {
    GuestMemory m;
    ASSERT_TRUE(m.add_region(GuestAddress(0x10000), 0x10000));
    EXPECT_FALSE(m.add_region(GuestAddress(0x18000), 0x10000));
    EXPECT_FALSE(m.add_region(GuestAddress(0x8000), 0x10000));
    EXPECT_FALSE(m.add_region(GuestAddress(0x30000), 0));
    EXPECT_FALSE(m.add_region(GuestAddress(~0ull - 0xfff), 0x2000));
    EXPECT_TRUE(m.add_region(GuestAddress(0), 0x10000));
    ASSERT_EQ(m.regions().size(), 2u);
    EXPECT_EQ(m.regions()[0].start.value, 0u); // kept sorted
}

TEST(GuestMemory, FillWritesAcrossRegions) {
    auto m = two_adjacent_regions();
    ASSERT_TRUE(m.fill(GuestAddress(64 * KiB - 2), 0xab, 4));
    EXPECT_EQ(m.read_obj<u32>(GuestAddress(64 * KiB - 2)).value(), 0xababababu);
}
