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

// A register or bus access of 1 to 8 bytes (a span of the access width) as
// one value, and back: the helpers of every device adapter and of PCI
// configuration space. Bytes past the eighth read as nothing and store 0.
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

// Appends the low `size` bytes (at most 8) of `value`, least significant first.
inline void append_le(std::vector<u8>& out, u64 value, std::size_t size) {
    KITE_ASSERT(size <= sizeof(value), "append_le wider than 64 bits");
    for (std::size_t i = 0; i < size; ++i)
        out.push_back(static_cast<u8>(value >> (8 * i)));
}

} // namespace kite
