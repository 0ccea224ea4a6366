#pragma once

#include "base/types.h"

namespace kite::boot {

// Fixed low-memory layout for the structures the x86 loaders place in the
// guest. Everything lives in [0x1000, 0x10000), the "boot area", which kernel
// segments may never overlap. 0x8000-0x8FFF is deliberately left unused so test
// guests can put an SMP trampoline there.

// Boot GDT: null, 0x08 flat 32-bit code, 0x10 flat data, 0x18 64-bit code.
constexpr u64 kBootGdtAddress = 0x1000;
constexpr u64 kBootGdtEntries = 4;
constexpr u16 kBootGdtLimit = kBootGdtEntries * 8 - 1;

// Identity page tables for 64-bit entry: one PML4, one PDPT and four page
// directories of 2 MiB pages covering the first 4 GiB.
constexpr u64 kPml4Address = 0x2000;
constexpr u64 kPdptAddress = 0x3000;
constexpr u64 kPageDirectoryAddress = 0x4000; // four 4 KiB tables, up to 0x7FFF
constexpr u64 kPageDirectoryCount = 4;
constexpr u64 kIdentityMappedLimit = 4 * GiB;

// Multiboot information area [0x9000, 0x10000), carved into fixed slots.
constexpr u64 kMultibootInfoAreaStart = 0x9000;
constexpr u64 kMultibootInfoAreaEnd = 0x10000;
constexpr u64 kMultibootInfoAddress = 0x9000;       // the info structure (128-byte slot)
constexpr u64 kMultibootLoaderNameAddress = 0x9080; // "kite\0" (128-byte slot)
constexpr u64 kMultibootMmapAddress = 0x9100;       // memory map, up to 0x97FF
constexpr u64 kMultibootMmapEnd = 0x9800;
constexpr u64 kMultibootModulesAddress = 0x9800; // module list, up to 0x9FFF
constexpr u64 kMultibootModulesEnd = 0xA000;
constexpr u64 kMultibootCmdlineAddress = 0xA000; // kernel command line, up to 0xAFFF
constexpr u64 kMultibootCmdlineEnd = 0xB000;
constexpr u64 kMultibootStringsAddress = 0xB000; // module strings, up to 0xFFFF
constexpr u64 kMultibootStringsEnd = 0x10000;

// Kernel segments must stay clear of every boot structure above.
constexpr u64 kBootAreaStart = 0x1000;
constexpr u64 kBootAreaEnd = 0x10000;

// Initial stack pointer for ELF and Multiboot entries (grows down below 512 KiB).
constexpr u64 kBootStackPointer = 0x80000;

// Legacy PC hole: EBDA, VGA and BIOS ROM. Never reported as usable RAM.
constexpr u64 kLowMemoryEnd = 0x9FC00;
constexpr u64 kHighMemoryStart = 0x100000;

} // namespace kite::boot
