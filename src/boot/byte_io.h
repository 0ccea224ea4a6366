#pragma once

#include "base/assert.h"
#include "base/types.h"

#include <optional>
#include <span>
#include <type_traits>

namespace kite::boot {

// Little-endian field access on byte buffers, independent of host byte order.
// Callers bounds-check untrusted offsets first; the assertion only catches
// programming errors.
template <typename T>
T load_le(std::span<const u8> bytes, std::size_t offset) {
    static_assert(std::is_unsigned_v<T>);
    KITE_ASSERT(offset <= bytes.size() && sizeof(T) <= bytes.size() - offset, "load_le out of bounds");
    T value = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i)
        value = static_cast<T>(value | static_cast<T>(static_cast<T>(bytes[offset + i]) << (8 * i)));
    return value;
}

template <typename T>
void store_le(std::span<u8> bytes, std::size_t offset, T value) {
    static_assert(std::is_unsigned_v<T>);
    KITE_ASSERT(offset <= bytes.size() && sizeof(T) <= bytes.size() - offset, "store_le out of bounds");
    for (std::size_t i = 0; i < sizeof(T); ++i)
        bytes[offset + i] = static_cast<u8>(value >> (8 * i));
}

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
