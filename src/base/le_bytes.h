#pragma once

#include "base/assert.h"
#include "base/types.h"

#include <span>
#include <type_traits>
#include <vector>

namespace kite {

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

// Appends the low `size` bytes (at most 8) of `value`, least significant first.
inline void append_le(std::vector<u8>& out, u64 value, std::size_t size) {
    KITE_ASSERT(size <= sizeof(value), "append_le wider than 64 bits");
    for (std::size_t i = 0; i < size; ++i)
        out.push_back(static_cast<u8>(value >> (8 * i)));
}

} // namespace kite
