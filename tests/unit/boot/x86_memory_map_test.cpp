#include "boot/x86_memory_map.h"
#include "test_images.h"

#include <gtest/gtest.h>

namespace kite::boot {
namespace {

using namespace test;

// The pc board's layout: RAM up to 3 GiB, the PCI hole, RAM again from 4 GiB.
GuestMemory pc_memory() {
    GuestMemory memory;
    EXPECT_TRUE(memory.add_region(GuestAddress(0), 3 * GiB));
    EXPECT_TRUE(memory.add_region(GuestAddress(4 * GiB), 1 * GiB));
    return memory;
}

TEST(X86MemoryMap, PcLayoutHasTheLegacyHoleAndThePciGap) {
    const auto memory = pc_memory();
    const auto map = build_x86_memory_map(memory);
    const std::vector<MemoryMapEntry> expected = {
        {0, 0x9fc00, kMemoryRam},
        {0x9fc00, 0x100000 - 0x9fc00, kMemoryReserved},
        {0x100000, 3 * GiB - 0x100000, kMemoryRam},
        {4 * GiB, 1 * GiB, kMemoryRam},
    };
    EXPECT_EQ(map, expected);
}

TEST(X86MemoryMap, ExtraRangesCutIntoRamAndMerge) {
    const auto memory = pc_memory();
    const std::vector<MemoryMapEntry> extra = {
        {3 * GiB - 64 * KiB, 64 * KiB, kMemoryAcpi}, // ACPI tables at the top of low RAM
        {0xe0000, 0x20000, kMemoryReserved},         // joins the legacy hole
        {0xfec00000, 0x1000, kMemoryReserved},       // in the PCI gap
        {0x200000, 0, kMemoryReserved},              // empty: ignored
    };
    const auto map = build_x86_memory_map(memory, extra);
    const std::vector<MemoryMapEntry> expected = {
        {0, 0x9fc00, kMemoryRam},
        {0x9fc00, 0x100000 - 0x9fc00, kMemoryReserved},
        {0x100000, 3 * GiB - 64 * KiB - 0x100000, kMemoryRam},
        {3 * GiB - 64 * KiB, 64 * KiB, kMemoryAcpi},
        {0xfec00000, 0x1000, kMemoryReserved},
        {4 * GiB, 1 * GiB, kMemoryRam},
    };
    EXPECT_EQ(map, expected);
}

TEST(X86MemoryMap, ARangeInsideRamSplitsIt) {
    const auto memory = make_memory(16 * MiB);
    const std::vector<MemoryMapEntry> extra = {{4 * MiB, 4096, kMemoryNvs}};
    const auto map = build_x86_memory_map(memory, extra);
    ASSERT_EQ(map.size(), 5u);
    EXPECT_EQ(map[2], (MemoryMapEntry{1 * MiB, 3 * MiB, kMemoryRam}));
    EXPECT_EQ(map[3], (MemoryMapEntry{4 * MiB, 4096, kMemoryNvs}));
    EXPECT_EQ(map[4], (MemoryMapEntry{4 * MiB + 4096, 12 * MiB - 4096, kMemoryRam}));
}

} // namespace
} // namespace kite::boot
