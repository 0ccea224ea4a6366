#include "boot/pvh.h"

#include "boot/byte_io.h"
#include "boot/x86_boot_structures.h"

#include <array>
#include <vector>

namespace kite::boot {
namespace {

// struct hvm_start_info (version 1) and its tables.
constexpr std::size_t kStartInfoSize = 56;
constexpr std::size_t kMagic = 0;
constexpr std::size_t kVersion = 4;
constexpr std::size_t kNrModules = 12;
constexpr std::size_t kModlistPaddr = 16;
constexpr std::size_t kCmdlinePaddr = 24;
constexpr std::size_t kRsdpPaddr = 32;
constexpr std::size_t kMemmapPaddr = 40;
constexpr std::size_t kMemmapEntries = 48;
constexpr u32 kStartInfoVersion = 1;          // the first with the memory map
constexpr std::size_t kModlistEntrySize = 32; // paddr, size, cmdline_paddr, reserved
constexpr std::size_t kMemmapEntrySize = 24;  // addr, size, type, reserved
constexpr u64 k4GiB = u64{1} << 32;

} // namespace

Result<std::optional<u64>> find_pvh_entry(const ElfImage& elf) {
    auto desc = TRY_CONTEXT(find_elf_note(elf, "Xen", kXenElfnotePhys32Entry), "PVH note");
    if (!desc)
        return std::nullopt;
    u64 entry;
    if (desc->size() == 4)
        entry = load_le<u32>(*desc, 0);
    else if (desc->size() == 8)
        entry = load_le<u64>(*desc, 0);
    else
        return error("bad PVH note: XEN_ELFNOTE_PHYS32_ENTRY has {} bytes, expected a 4- or 8-byte address",
                     desc->size());
    if (entry >= k4GiB)
        return error("bad PVH note: entry point {:#x} is not a 32-bit address", entry);
    for (const auto& seg : elf.segments) {
        if (entry >= seg.address && entry - seg.address < seg.data.size())
            return entry;
    }
    return error("bad PVH note: entry point {:#x} is not in the kernel's loaded bytes", entry);
}

Result<u64> write_pvh_start_info(const GuestMemory& memory, const BootArea& area, std::string_view cmdline,
                                 std::span<const PvhModule> modules,
                                 std::span<const MemoryMapEntry> memory_map, std::optional<u64> acpi_rsdp) {
    // --- Validate everything before writing ---
    std::vector<std::string_view> names;
    for (const auto& m : modules)
        names.push_back(m.name);
    TRY(check_info_area(memory, area, cmdline, names, "PVH"));
    if (modules.size() > (kModulesEnd - kModulesOffset) / kModlistEntrySize)
        return error("too many modules for PVH ({})", modules.size());
    if (memory_map.size() > (kMmapEnd - kMmapOffset) / kMemmapEntrySize)
        return error("guest memory map has too many entries ({}) for the PVH info area", memory_map.size());

    // --- Write ---
    std::array<u8, kStartInfoSize> info{};
    store_le<u32>(info, kMagic, kHvmStartMagic);
    store_le<u32>(info, kVersion, kStartInfoVersion);
    store_le<u32>(info, kNrModules, static_cast<u32>(modules.size()));
    store_le<u64>(info, kModlistPaddr, modules.empty() ? 0 : area.modules());
    store_le<u64>(info, kCmdlinePaddr, area.cmdline());
    store_le<u64>(info, kRsdpPaddr, acpi_rsdp.value_or(0));
    store_le<u64>(info, kMemmapPaddr, area.mmap());
    store_le<u32>(info, kMemmapEntries, static_cast<u32>(memory_map.size()));
    TRY(memory.write(GuestAddress(area.info()), info));
    TRY(write_guest_string(memory, area.cmdline(), cmdline));

    std::vector<u8> map(memory_map.size() * kMemmapEntrySize);
    store_memory_map(map, 0, kMemmapEntrySize, memory_map);
    TRY(memory.write(GuestAddress(area.mmap()), map));

    std::vector<u8> list(modules.size() * kModlistEntrySize);
    u64 string_cursor = area.strings();
    for (std::size_t i = 0; i < modules.size(); ++i) {
        TRY(write_guest_string(memory, string_cursor, modules[i].name));
        store_le<u64>(list, i * kModlistEntrySize, modules[i].address);
        store_le<u64>(list, i * kModlistEntrySize + 8, modules[i].size);
        store_le<u64>(list, i * kModlistEntrySize + 16, string_cursor);
        string_cursor += modules[i].name.size() + 1;
    }
    TRY(memory.write(GuestAddress(area.modules()), list));
    return area.info();
}

} // namespace kite::boot
