#pragma once

#include "base/types.h"

namespace kite::pci {

// The two address spaces a BAR can claim.
enum class PciSpace : u8 { Memory, Io };

enum class BarKind : u8 {
    Memory32, // one register, decodes below 4 GiB
    Memory64, // a register pair (this index and the next)
    Io,       // I/O ports
};

constexpr PciSpace space_of(BarKind kind) {
    switch (kind) {
    case BarKind::Memory32:
    case BarKind::Memory64:
        return PciSpace::Memory;
    case BarKind::Io:
        return PciSpace::Io;
    }
    return PciSpace::Memory;
}

// What a device decodes behind one BAR: fixed when the device is built. The
// register's low bits are read-only type bits, the address bits below the
// size read as zero, and the rest are writable: so writing all-ones and
// reading back gives the size (the standard sizing protocol) with no special
// case in the config space.
struct BarLayout {
    BarKind kind{BarKind::Memory32};
    u64 size{0};
    bool prefetchable{false}; // memory BARs only

    static constexpr u64 kMinMemorySize = 16;
    static constexpr u64 kMaxMemory32Size = u64{1} << 31;
    static constexpr u64 kMinIoSize = 4;
    static constexpr u64 kMaxIoSize = 256; // PCI 3.0, 6.2.5.1

    // A power of two within the kind's limits; not prefetchable for I/O.
    bool valid() const;
    // 1, or 2 for a 64-bit pair.
    unsigned register_count() const { return kind == BarKind::Memory64 ? 2 : 1; }
    // The read-only low bits of the (low) register.
    u32 type_bits() const;
    // The writable bits across the register (pair), low register in bits 0-31.
    u64 writable_mask() const;
    // The base address a register (pair) value programs.
    u64 address_of(u64 raw) const;
};

// A BAR as the bus sees it when it decodes accesses.
struct BarInfo {
    u8 index{0}; // the (low) register, 0-5
    BarKind kind{BarKind::Memory32};
    bool prefetchable{false};
    u64 size{0};
    u64 address{0};      // currently programmed base
    bool enabled{false}; // the command register enables decoding for its space
};

} // namespace kite::pci
