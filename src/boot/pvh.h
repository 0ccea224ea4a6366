#pragma once

#include "base/error.h"
#include "boot/elf.h"
#include "boot/x86_layout.h"
#include "boot/x86_memory_map.h"
#include "memory/guest_memory.h"

#include <optional>
#include <span>
#include <string_view>

namespace kite::boot {

// PVH boot (Xen's direct boot of an ELF kernel, which Linux supports when
// built with CONFIG_PVH): the kernel names a 32-bit entry point in an ELF
// note, is entered there in flat 32-bit protected mode with paging off, and
// finds a struct hvm_start_info at EBX (include/xen/interface/elfnote.h and
// hvm/start_info.h in the kernel source).

constexpr u32 kXenElfnotePhys32Entry = 18; // XEN_ELFNOTE_PHYS32_ENTRY, in a note named "Xen"
constexpr u32 kHvmStartMagic = 0x336ec578;

// The physical entry point from the image's XEN_ELFNOTE_PHYS32_ENTRY note;
// nullopt when there is none. An error when the note is malformed (not a 4-
// or 8-byte address, an address at or above 4 GiB or outside every loaded
// segment) or the note segment is.
Result<std::optional<u64>> find_pvh_entry(const ElfImage& elf);

struct PvhModule {
    std::string_view name; // the module's command line
    u64 address{0};
    u64 size{0};
};

// Writes a version-1 hvm_start_info in the info area of `area`, with the
// command line, the module list (each module's bytes already in RAM) and the
// memory map it points to, and the RSDP address when the board has one.
// Checks every limit before writing. Returns the structure's address (EBX).
Result<u64> write_pvh_start_info(const GuestMemory& memory, const BootArea& area, std::string_view cmdline,
                                 std::span<const PvhModule> modules,
                                 std::span<const MemoryMapEntry> memory_map, std::optional<u64> acpi_rsdp);

} // namespace kite::boot
