#include "boot/x86_boot_structures.h"

#include "accel/x86_entry_state.h"
#include "boot/byte_io.h"
#include "boot/x86_layout.h"

#include <array>

namespace kite::boot {
namespace {

// Access byte: present, DPL 0, code/data (S=1), and the segment type.
constexpr u8 kAccessCode = 0x9b; // execute/read, accessed
constexpr u8 kAccessData = 0x93; // read/write, accessed

// Flags nibble: G (4 KiB granularity), D/B (32-bit default), L (64-bit code).
constexpr u8 kFlagsGranularity = 0x8;
constexpr u8 kFlagsDefault32 = 0x4;
constexpr u8 kFlagsLong = 0x2;

// A flat descriptor: base 0, limit 0xFFFFF pages (4 GiB).
constexpr u64 flat_descriptor(u8 access, u8 flags) {
    constexpr u64 limit = 0xfffff;
    return (limit & 0xffff) | (static_cast<u64>(access) << 40) | (((limit >> 16) & 0xf) << 48) |
           (static_cast<u64>(flags & 0xf) << 52);
}

constexpr u64 kPagePresent = 1 << 0;
constexpr u64 kPageWritable = 1 << 1;
constexpr u64 kPageLarge = 1 << 7; // PS: a 2 MiB page in a page directory
constexpr u64 kPageTableBytes = 4096;
constexpr u64 kEntriesPerTable = 512;

static_assert(kPageDirectoryCount * kEntriesPerTable * 2 * MiB == kIdentityMappedLimit);

} // namespace

Result<void> write_boot_gdt(const GuestMemory& memory) {
    static_assert(accel::kBootCodeSelector32 == 0x08 && accel::kBootDataSelector == 0x10 &&
                  accel::kBootCodeSelector64 == 0x18);
    const std::array<u64, kBootGdtEntries> descriptors = {
        0, flat_descriptor(kAccessCode, kFlagsGranularity | kFlagsDefault32),
        flat_descriptor(kAccessData, kFlagsGranularity | kFlagsDefault32),
        flat_descriptor(kAccessCode, kFlagsGranularity | kFlagsLong), // D must be 0 when L=1
    };
    std::array<u8, kBootGdtEntries * 8> bytes{};
    for (std::size_t i = 0; i < descriptors.size(); ++i)
        store_le<u64>(bytes, i * 8, descriptors[i]);
    TRY_CONTEXT(memory.write(GuestAddress(kBootGdtAddress), bytes), "write boot GDT");
    return {};
}

Result<void> write_identity_page_tables(const GuestMemory& memory) {
    std::array<u8, kPageTableBytes> table{};

    store_le<u64>(table, 0, kPdptAddress | kPagePresent | kPageWritable);
    TRY_CONTEXT(memory.write(GuestAddress(kPml4Address), table), "write PML4");

    table.fill(0);
    for (u64 i = 0; i < kPageDirectoryCount; ++i)
        store_le<u64>(table, i * 8,
                      (kPageDirectoryAddress + i * kPageTableBytes) | kPagePresent | kPageWritable);
    TRY_CONTEXT(memory.write(GuestAddress(kPdptAddress), table), "write PDPT");

    for (u64 dir = 0; dir < kPageDirectoryCount; ++dir) {
        for (u64 i = 0; i < kEntriesPerTable; ++i) {
            u64 base = (dir * kEntriesPerTable + i) * 2 * MiB;
            store_le<u64>(table, i * 8, base | kPagePresent | kPageWritable | kPageLarge);
        }
        TRY_CONTEXT(memory.write(GuestAddress(kPageDirectoryAddress + dir * kPageTableBytes), table),
                    "write page directory");
    }
    return {};
}

} // namespace kite::boot
