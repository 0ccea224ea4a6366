#pragma once

#include "base/error.h"
#include "boot/load_segment.h"
#include "boot/x86_layout.h"
#include "memory/guest_memory.h"

#include <span>
#include <string_view>

namespace kite::boot {

// Which selectors the boot GDT provides.
enum class BootGdt {
    // Multiboot and ELF: 0x08 flat 32-bit code, 0x10 flat data, 0x18 64-bit
    // code (accel::kBootCodeSelector32, kBootDataSelector, kBootCodeSelector64).
    Standard,
    // The Linux 64-bit boot protocol: __BOOT_CS 0x10 (64-bit code) and
    // __BOOT_DS 0x18 (data); 0x08 is null.
    Linux,
};

// Writes the boot GDT (kBootGdtEntries descriptors) at `address`: base 0,
// limit 4 GiB, accessed bits set so the CPU never needs to write the table.
Result<void> write_boot_gdt(const GuestMemory& memory, u64 address, BootGdt kind = BootGdt::Standard);

// The selectors the Linux GDT provides.
constexpr u16 kLinuxBootCodeSelector = 0x10; // __BOOT_CS
constexpr u16 kLinuxBootDataSelector = 0x18; // __BOOT_DS

// Writes identity page tables for the first 4 GiB in `area` (PML4, PDPT and
// four page directories of 2 MiB pages). Only the tables need to be in RAM;
// mapping addresses without RAM is harmless.
Result<void> write_identity_page_tables(const GuestMemory& memory, const BootArea& area);

// Chooses this load's boot area and stack in conventional memory (below
// kLowMemoryEnd) so that they overlap none of `segments` (the kernel's, and
// whatever else the loader puts in RAM): the defaults when free, otherwise
// the lowest free page-aligned places. Writes nothing. Fails when low memory
// has no room left.
Result<BootArea> place_boot_area(const GuestMemory& memory, std::span<const LoadSegment> segments);

// Checks a kernel command line before it is written: no NUL inside, at most
// `max_length` bytes (without the terminator).
Result<void> check_cmdline(std::string_view cmdline, u64 max_length);

// The checks every writer of an info area makes before writing: guest RAM
// covers the info area of `area`, the command line fits its slot
// (check_cmdline), and the module names, none with a NUL inside, fit the
// strings slot with their terminators. `protocol` names the area in errors.
Result<void> check_info_area(const GuestMemory& memory, const BootArea& area, std::string_view cmdline,
                             std::span<const std::string_view> module_names, std::string_view protocol);

// Writes `s` and its NUL terminator at `address`.
Result<void> write_guest_string(const GuestMemory& memory, u64 address, std::string_view s);

} // namespace kite::boot
