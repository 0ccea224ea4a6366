#pragma once

#include "base/types.h"

namespace kite::boot {

// Where the x86 loaders put the structures they build for the guest.
//
// Everything Kite writes besides the kernel and its modules (GDT, page tables,
// the Multiboot information, Linux's zero page or the PVH start_info, the
// command line and module names) lives in one "boot area" of kBootAreaSize
// bytes in conventional memory (below 640 KiB, so it is reachable in every
// entry mode), plus a boot stack. Both are chosen per load, after the kernel's
// segments are known: the boot area at kDefaultBootAreaBase and the stack
// below kDefaultBootStackTop when those are free, otherwise the lowest free
// page-aligned place (see place_boot_area in x86_boot_structures.h). So a
// kernel may load anywhere in RAM, including low memory (kvm-unit-tests'
// realmode.flat loads at 0x8000).
//
// Nothing in the boot area is needed once the kernel has taken over (every
// protocol expects the kernel to set up its own GDT and page tables and to
// copy what it keeps), so it stays usable RAM in the memory map, as with other
// boot loaders; Linux reserves the first 1 MiB itself.

constexpr u64 kDefaultBootAreaBase = 0x1000;
constexpr u64 kBootAreaSize = 0xf000;

// Offsets inside the boot area.
//
// Boot GDT: for Multiboot and ELF null, 0x08 flat 32-bit code, 0x10 flat data,
// 0x18 64-bit code; for Linux the protocol's __BOOT_CS 0x10 (64-bit code) and
// __BOOT_DS 0x18 (data).
constexpr u64 kBootGdtOffset = 0x0;
constexpr u64 kBootGdtEntries = 4;
constexpr u16 kBootGdtLimit = kBootGdtEntries * 8 - 1;

// Identity page tables for 64-bit entry: one PML4, one PDPT and four page
// directories of 2 MiB pages covering the first 4 GiB.
constexpr u64 kPml4Offset = 0x1000;
constexpr u64 kPdptOffset = 0x2000;
constexpr u64 kPageDirectoryOffset = 0x3000; // four 4 KiB tables, up to 0x6FFF
constexpr u64 kPageDirectoryCount = 4;
constexpr u64 kIdentityMappedLimit = 4 * GiB;

// 0x7000-0x7FFF is left unused: at the default base that is 0x8000, where
// test guests put an SMP trampoline.

// The information area [0x8000, 0xF000): the protocol's info structure (a
// Multiboot info, a PVH start_info or Linux's 4 KiB zero page), the memory
// map and module list (Multiboot, PVH), the command line, module strings.
constexpr u64 kInfoAreaOffset = 0x8000;
constexpr u64 kInfoOffset = 0x8000;       // the info structure (128-byte slot; Linux: 4 KiB)
constexpr u64 kLoaderNameOffset = 0x8080; // Multiboot: "kite\0" (128-byte slot)
constexpr u64 kMmapOffset = 0x8100;       // memory map, up to 0x87FF
constexpr u64 kMmapEnd = 0x8800;
constexpr u64 kModulesOffset = 0x8800; // module list, up to 0x8FFF
constexpr u64 kModulesEnd = 0x9000;
constexpr u64 kCmdlineOffset = 0x9000; // kernel command line, up to 0x9FFF
constexpr u64 kCmdlineEnd = 0xa000;
constexpr u64 kStringsOffset = 0xa000; // module strings, up to 0xEFFF
constexpr u64 kStringsEnd = 0xf000;
constexpr u64 kLinuxZeroPageSize = 0x1000;
static_assert(kStringsEnd == kBootAreaSize && kInfoOffset + kLinuxZeroPageSize <= kCmdlineOffset);

// The boot stack: kBootStackSize bytes below the stack top.
constexpr u64 kDefaultBootStackTop = 0x80000;
constexpr u64 kBootStackSize = 0x10000;

// Legacy PC hole: EBDA, VGA and BIOS ROM. Never reported as usable RAM.
constexpr u64 kLowMemoryEnd = 0x9fc00;
constexpr u64 kHighMemoryStart = 0x100000;

// One load's boot area and stack.
struct BootArea {
    u64 base{kDefaultBootAreaBase};
    u64 stack_top{kDefaultBootStackTop};

    u64 end() const { return base + kBootAreaSize; }
    u64 gdt() const { return base + kBootGdtOffset; }
    u64 pml4() const { return base + kPml4Offset; }
    u64 pdpt() const { return base + kPdptOffset; }
    u64 page_directory() const { return base + kPageDirectoryOffset; }
    u64 info() const { return base + kInfoOffset; }
    u64 loader_name() const { return base + kLoaderNameOffset; }
    u64 mmap() const { return base + kMmapOffset; }
    u64 modules() const { return base + kModulesOffset; }
    u64 cmdline() const { return base + kCmdlineOffset; }
    u64 strings() const { return base + kStringsOffset; }
};

} // namespace kite::boot
