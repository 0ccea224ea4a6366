#pragma once

#include "base/le_bytes.h"
#include "base/types.h"

#include <optional>

namespace kite::boot {

// The little-endian helpers live in base; loaders use them unqualified.
using kite::load_le;
using kite::store_le;

// a + b, or nullopt when the sum wraps.
inline std::optional<u64> checked_add(u64 a, u64 b) {
    u64 sum;
    if (__builtin_add_overflow(a, b, &sum))
        return std::nullopt;
    return sum;
}

// value rounded up to a multiple of `align` (a power of two), or nullopt on wrap.
inline std::optional<u64> checked_align_up(u64 value, u64 align) {
    auto sum = checked_add(value, align - 1);
    if (!sum)
        return std::nullopt;
    return *sum & ~(align - 1);
}

} // namespace kite::boot
