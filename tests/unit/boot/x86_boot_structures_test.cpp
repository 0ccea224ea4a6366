#include "boot/x86_boot_structures.h"
#include "boot/x86_layout.h"
#include "test_images.h"

#include <gtest/gtest.h>

namespace kite::boot {
namespace {

using namespace test;

constexpr u64 kBootGdtAddress = 0x1000;
constexpr u64 kPml4Address = 0x2000;
constexpr u64 kPdptAddress = 0x3000;
constexpr u64 kPageDirectoryAddress = 0x4000;

TEST(X86BootStructures, GdtHasFlatDescriptorsAtTheBootSelectors) {
    auto memory = make_memory(1 * MiB);
    ASSERT_TRUE(write_boot_gdt(memory, kBootGdtAddress));
    EXPECT_EQ(read64(memory, kBootGdtAddress + 0x00), 0u);
    EXPECT_EQ(read64(memory, kBootGdtAddress + 0x08), 0x00cf9b000000ffffu); // code32: G, D, 0x9b
    EXPECT_EQ(read64(memory, kBootGdtAddress + 0x10), 0x00cf93000000ffffu); // data: G, B, 0x93
    EXPECT_EQ(read64(memory, kBootGdtAddress + 0x18), 0x00af9b000000ffffu); // code64: G, L, 0x9b
    EXPECT_EQ(kBootGdtLimit, 31);
}

TEST(X86BootStructures, LinuxGdtHasBootCsAndBootDs) {
    auto memory = make_memory(1 * MiB);
    ASSERT_TRUE(memory.fill(GuestAddress(0x5000), 0xee, 0x20));
    ASSERT_TRUE(write_boot_gdt(memory, 0x5000, BootGdt::Linux));
    EXPECT_EQ(read64(memory, 0x5000), 0u);
    EXPECT_EQ(read64(memory, 0x5008), 0u);
    EXPECT_EQ(read64(memory, 0x5010), 0x00af9b000000ffffu); // __BOOT_CS: 64-bit code, execute/read
    EXPECT_EQ(read64(memory, 0x5018), 0x00cf93000000ffffu); // __BOOT_DS: flat data, read/write
}

TEST(X86BootStructures, IdentityPageTablesMapTheFirst4GiBWith2MiBPages) {
    auto memory = make_memory(1 * MiB);
    ASSERT_TRUE(memory.fill(GuestAddress(0x2000), 0xee, 0x6000)); // prove stale bytes are cleared
    ASSERT_TRUE(write_identity_page_tables(memory, BootArea{}));
    EXPECT_EQ(read64(memory, kPml4Address), kPdptAddress | 0x3);
    for (u64 i = 1; i < 512; ++i)
        ASSERT_EQ(read64(memory, kPml4Address + i * 8), 0u) << i;
    for (u64 i = 0; i < 4; ++i)
        EXPECT_EQ(read64(memory, kPdptAddress + i * 8), (kPageDirectoryAddress + i * 0x1000) | 0x3);
    for (u64 i = 4; i < 512; ++i)
        ASSERT_EQ(read64(memory, kPdptAddress + i * 8), 0u) << i;
    for (u64 i = 0; i < 4 * 512; ++i)
        ASSERT_EQ(read64(memory, kPageDirectoryAddress + i * 8), (i * 2 * MiB) | 0x83) << i;
    EXPECT_EQ(read64(memory, 0x7ff8), (4 * GiB - 2 * MiB) | 0x83);
    // 0x8000 is left for the guest.
    EXPECT_EQ(read64(memory, 0x8000), 0u);
}

TEST(X86BootStructures, FailsWhenRamDoesNotCoverTheTables) {
    auto memory = make_memory(0x3000);
    EXPECT_TRUE(write_boot_gdt(memory, kBootGdtAddress));
    EXPECT_FALSE(write_identity_page_tables(memory, BootArea{}));
}

TEST(X86BootStructures, PageTablesFollowTheBootArea) {
    auto memory = make_memory(1 * MiB);
    const BootArea area{.base = 0x20000};
    ASSERT_TRUE(write_identity_page_tables(memory, area));
    EXPECT_EQ(read64(memory, 0x21000), 0x22003u);
    EXPECT_EQ(read64(memory, 0x22000), 0x23003u);
    EXPECT_EQ(read64(memory, 0x23000), 0x83u);
    EXPECT_EQ(read64(memory, 0x2000), 0u);
}

TEST(X86BootStructures, BootAreaAndStackTakeTheDefaultsWhenFree) {
    auto memory = make_memory(1 * MiB);
    const std::vector<LoadSegment> kernel = {{0x100000 - 0x1000, {}, 0x1000}};
    auto area = place_boot_area(memory, kernel);
    ASSERT_TRUE(area) << area.error().message();
    EXPECT_EQ(area->base, 0x1000u);
    EXPECT_EQ(area->stack_top, 0x80000u);
    EXPECT_EQ(area->info(), 0x9000u);
    EXPECT_EQ(area->cmdline(), 0xa000u);
}

TEST(X86BootStructures, BootAreaAndStackMoveAwayFromALowKernel) {
    auto memory = make_memory(1 * MiB);
    // kvm-unit-tests' realmode.flat: loaded at 0x8000.
    const std::vector<LoadSegment> kernel = {{0x8000, {}, 0x9000}};
    auto area = place_boot_area(memory, kernel);
    ASSERT_TRUE(area) << area.error().message();
    EXPECT_EQ(area->base, 0x11000u);
    EXPECT_EQ(area->stack_top, 0x80000u);
    // A kernel over the default stack pushes it to the first free 64 KiB.
    const std::vector<LoadSegment> big = {{0x30000, {}, 0x60000}};
    area = place_boot_area(memory, big);
    ASSERT_TRUE(area) << area.error().message();
    EXPECT_EQ(area->base, 0x1000u);
    EXPECT_EQ(area->stack_top, 0x20000u);
}

TEST(X86BootStructures, BootAreaNeedsRoomInLowMemory) {
    auto memory = make_memory(1 * MiB);
    const std::vector<LoadSegment> kernel = {{0x1000, {}, 0x90000}};
    EXPECT_TRUE(fails_with(place_boot_area(memory, kernel), "no room for the boot structures"));
    const std::vector<LoadSegment> almost = {{0x10000, {}, 0x8f000}};
    EXPECT_TRUE(fails_with(place_boot_area(memory, almost), "no room for the boot stack"));
    auto tiny = make_memory(0xc000);
    EXPECT_TRUE(fails_with(place_boot_area(tiny, {}), "no room for the boot structures"));
}

TEST(X86BootStructures, LayoutLeavesTheTrampolinePageFree) {
    static_assert(kDefaultBootAreaBase + kPageDirectoryOffset + kPageDirectoryCount * 0x1000 <= 0x8000);
    static_assert(kDefaultBootAreaBase + kInfoAreaOffset >= 0x9000);
    static_assert(kStringsEnd == kBootAreaSize);
    SUCCEED();
}

} // namespace
} // namespace kite::boot
