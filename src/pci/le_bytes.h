#pragma once

#include "base/types.h"

#include <span>

namespace kite::pci {

// PCI configuration space and the registers behind BARs are little-endian; an
// access arrives as a span of 1 to 8 bytes. These convert between the two.
inline u64 load_le(std::span<const u8> bytes) {
    u64 value = 0;
    for (std::size_t i = 0; i < bytes.size() && i < 8; ++i)
        value |= static_cast<u64>(bytes[i]) << (8 * i);
    return value;
}

inline void store_le(std::span<u8> bytes, u64 value) {
    for (std::size_t i = 0; i < bytes.size(); ++i)
        bytes[i] = i < 8 ? static_cast<u8>(value >> (8 * i)) : 0;
}

} // namespace kite::pci
