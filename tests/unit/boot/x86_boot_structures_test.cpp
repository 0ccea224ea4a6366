#include "boot/x86_boot_structures.h"
#include "boot/x86_layout.h"
#include "test_images.h"

#include <gtest/gtest.h>

namespace kite::boot {
namespace {

using namespace test;

TEST(X86BootStructures, GdtHasFlatDescriptorsAtTheBootSelectors) {
    auto memory = make_memory(1 * MiB);
    ASSERT_TRUE(write_boot_gdt(memory));
    EXPECT_EQ(read64(memory, kBootGdtAddress + 0x00), 0u);
    EXPECT_EQ(read64(memory, kBootGdtAddress + 0x08), 0x00cf9b000000ffffu); // code32: G, D, 0x9b
    EXPECT_EQ(read64(memory, kBootGdtAddress + 0x10), 0x00cf93000000ffffu); // data: G, B, 0x93
    EXPECT_EQ(read64(memory, kBootGdtAddress + 0x18), 0x00af9b000000ffffu); // code64: G, L, 0x9b
    EXPECT_EQ(kBootGdtLimit, 31);
}

TEST(X86BootStructures, IdentityPageTablesMapTheFirst4GiBWith2MiBPages) {
    auto memory = make_memory(1 * MiB);
    ASSERT_TRUE(memory.fill(GuestAddress(0x2000), 0xee, 0x6000)); // prove stale bytes are cleared
    ASSERT_TRUE(write_identity_page_tables(memory));
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
    EXPECT_TRUE(write_boot_gdt(memory));
    EXPECT_FALSE(write_identity_page_tables(memory));
}

TEST(X86BootStructures, LayoutLeavesTheTrampolinePageFree) {
    static_assert(kPageDirectoryAddress + kPageDirectoryCount * 0x1000 <= 0x8000);
    static_assert(kMultibootInfoAreaStart >= 0x9000);
    static_assert(kBootAreaStart <= kBootGdtAddress && kMultibootInfoAreaEnd <= kBootAreaEnd);
    static_assert(kMultibootStringsEnd == kMultibootInfoAreaEnd);
    SUCCEED();
}

} // namespace
} // namespace kite::boot
