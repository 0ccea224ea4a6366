#pragma once

#include "memory/guest_memory.h"

#include <span>
#include <vector>

namespace kite::boot {

// Range types of the PC memory map. E820, Multiboot and PVH's
// hvm_memmap_table_entry all use these numbers.
constexpr u32 kMemoryRam = 1;
constexpr u32 kMemoryReserved = 2;
constexpr u32 kMemoryAcpi = 3; // ACPI tables, reclaimable once read
constexpr u32 kMemoryNvs = 4;  // ACPI NVS

struct MemoryMapEntry {
    u64 base{0};
    u64 length{0};
    u32 type{kMemoryRam};

    bool operator==(const MemoryMapEntry&) const = default;
};

// The memory map an x86 guest is told about, sorted by address: RAM below the
// legacy hole at 0x9FC00, the hole up to 1 MiB as reserved, then the RAM
// regions from 1 MiB (on the pc board up to the low-RAM end and again from
// 4 GiB; the PCI/MMIO hole between them is a gap). `extra` are ranges the
// board adds (reserved or ACPI memory, say); each replaces whatever it
// overlaps. Touching ranges of the same type are merged. Zero-length extra
// ranges are ignored; the rest must not wrap (the board's constants).
std::vector<MemoryMapEntry> build_x86_memory_map(const GuestMemory& memory,
                                                 std::span<const MemoryMapEntry> extra = {});

// Stores each entry as base (u64), length (u64), type (u32), packed, the
// layout e820, PVH and (after its size field) Multiboot share: entry i at
// out[at + i * stride]. `out` must have room for all of them.
void store_memory_map(std::span<u8> out, std::size_t at, std::size_t stride,
                      std::span<const MemoryMapEntry> map);

} // namespace kite::boot
