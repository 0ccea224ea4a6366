#include "boot/x86_boot_structures.h"

#include "accel/x86_entry_state.h"
#include "boot/byte_io.h"

#include <array>
#include <optional>

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

constexpr u64 kCode32 = flat_descriptor(kAccessCode, kFlagsGranularity | kFlagsDefault32);
constexpr u64 kData = flat_descriptor(kAccessData, kFlagsGranularity | kFlagsDefault32);
constexpr u64 kCode64 = flat_descriptor(kAccessCode, kFlagsGranularity | kFlagsLong); // D must be 0 when L=1

constexpr u64 kPagePresent = 1 << 0;
constexpr u64 kPageWritable = 1 << 1;
constexpr u64 kPageLarge = 1 << 7; // PS: a 2 MiB page in a page directory
constexpr u64 kPageTableBytes = 4096;
constexpr u64 kEntriesPerTable = 512;

static_assert(kPageDirectoryCount * kEntriesPerTable * 2 * MiB == kIdentityMappedLimit);
static_assert(kPageDirectoryOffset + kPageDirectoryCount * kPageTableBytes <= kInfoAreaOffset);

constexpr u64 kPlacementAlign = 4096;

bool overlaps_any(u64 start, u64 end, std::span<const LoadSegment> segments) {
    for (const auto& seg : segments) {
        const u64 seg_end = checked_add(seg.address, seg.mem_size).value_or(~u64{0});
        if (seg.mem_size != 0 && start < seg_end && end > seg.address)
            return true;
    }
    return false;
}

// [start, start + size) when it is below the legacy hole, in RAM and clear of
// `segments` and of `avoid`; otherwise the lowest such page-aligned range from
// 4 KiB up (page 0 stays free: real-mode IVT, and a null pointer).
std::optional<u64> find_low_range(const GuestMemory& memory, u64 preferred, u64 size,
                                  std::span<const LoadSegment> segments, std::optional<LoadSegment> avoid) {
    auto fits = [&](u64 start) {
        const u64 end = start + size;
        if (end > kLowMemoryEnd || !memory.is_valid_range(GuestAddress(start), size) ||
            overlaps_any(start, end, segments))
            return false;
        return !avoid || !overlaps_any(start, end, std::span(&*avoid, 1));
    };
    if (fits(preferred))
        return preferred;
    for (u64 start = kPlacementAlign; start + size <= kLowMemoryEnd; start += kPlacementAlign) {
        if (fits(start))
            return start;
    }
    return std::nullopt;
}

} // namespace

Result<void> write_boot_gdt(const GuestMemory& memory, u64 address, BootGdt kind) {
    static_assert(accel::kBootCodeSelector32 == 0x08 && accel::kBootDataSelector == 0x10 &&
                  accel::kBootCodeSelector64 == 0x18);
    static_assert(kLinuxBootCodeSelector == 0x10 && kLinuxBootDataSelector == 0x18);
    std::array<u64, kBootGdtEntries> descriptors{};
    switch (kind) {
    case BootGdt::Standard:
        descriptors = {0, kCode32, kData, kCode64};
        break;
    case BootGdt::Linux:
        descriptors = {0, 0, kCode64, kData};
        break;
    }
    std::array<u8, kBootGdtEntries * 8> bytes{};
    for (std::size_t i = 0; i < descriptors.size(); ++i)
        store_le<u64>(bytes, i * 8, descriptors[i]);
    TRY_CONTEXT(memory.write(GuestAddress(address), bytes), "write boot GDT");
    return {};
}

Result<void> write_identity_page_tables(const GuestMemory& memory, const BootArea& area) {
    std::array<u8, kPageTableBytes> table{};

    store_le<u64>(table, 0, area.pdpt() | kPagePresent | kPageWritable);
    TRY_CONTEXT(memory.write(GuestAddress(area.pml4()), table), "write PML4");

    table.fill(0);
    for (u64 i = 0; i < kPageDirectoryCount; ++i)
        store_le<u64>(table, i * 8,
                      (area.page_directory() + i * kPageTableBytes) | kPagePresent | kPageWritable);
    TRY_CONTEXT(memory.write(GuestAddress(area.pdpt()), table), "write PDPT");

    for (u64 dir = 0; dir < kPageDirectoryCount; ++dir) {
        for (u64 i = 0; i < kEntriesPerTable; ++i) {
            u64 base = (dir * kEntriesPerTable + i) * 2 * MiB;
            store_le<u64>(table, i * 8, base | kPagePresent | kPageWritable | kPageLarge);
        }
        TRY_CONTEXT(memory.write(GuestAddress(area.page_directory() + dir * kPageTableBytes), table),
                    "write page directory");
    }
    return {};
}

Result<void> check_cmdline(std::string_view cmdline, u64 max_length) {
    if (cmdline.size() > max_length)
        return error("kernel command line is too long ({} bytes, at most {})", cmdline.size(), max_length);
    if (cmdline.find('\0') != std::string_view::npos)
        return error("kernel command line contains a NUL byte");
    return {};
}

Result<void> check_info_area(const GuestMemory& memory, const BootArea& area, std::string_view cmdline,
                             std::span<const std::string_view> module_names, std::string_view protocol) {
    if (!memory.is_valid_range(GuestAddress(area.info()), area.end() - area.info()))
        return error("guest RAM does not cover the {} info area [{:#x}, {:#x})", protocol, area.info(),
                     area.end());
    TRY(check_cmdline(cmdline, kCmdlineEnd - kCmdlineOffset - 1));
    u64 strings_size = 0;
    for (const auto name : module_names) {
        if (name.find('\0') != std::string_view::npos)
            return error("module name '{}' contains a NUL byte", name);
        strings_size += name.size() + 1;
    }
    if (strings_size > kStringsEnd - kStringsOffset)
        return error("module names are too long ({} bytes, at most {})", strings_size,
                     kStringsEnd - kStringsOffset);
    return {};
}

Result<void> write_guest_string(const GuestMemory& memory, u64 address, std::string_view s) {
    TRY(memory.write(GuestAddress(address), std::span(reinterpret_cast<const u8*>(s.data()), s.size())));
    const u8 nul = 0;
    return memory.write(GuestAddress(address + s.size()), std::span(&nul, 1));
}

Result<BootArea> place_boot_area(const GuestMemory& memory, std::span<const LoadSegment> segments) {
    BootArea area;
    auto base = find_low_range(memory, kDefaultBootAreaBase, kBootAreaSize, segments, std::nullopt);
    if (!base)
        return error("no room for the boot structures ({:#x} bytes) in guest RAM below {:#x} next to the "
                     "kernel",
                     kBootAreaSize, kLowMemoryEnd);
    area.base = *base;
    const LoadSegment boot_area{area.base, {}, kBootAreaSize};
    auto stack =
        find_low_range(memory, kDefaultBootStackTop - kBootStackSize, kBootStackSize, segments, boot_area);
    if (!stack)
        return error("no room for the boot stack ({:#x} bytes) in guest RAM below {:#x} next to the kernel",
                     kBootStackSize, kLowMemoryEnd);
    area.stack_top = *stack + kBootStackSize;
    return area;
}

} // namespace kite::boot
