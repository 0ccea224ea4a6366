#pragma once

#include "base/types.h"

#include <algorithm>
#include <cstring>
#include <span>

namespace kite::fuzz {

// Takes the next sizeof(T) bytes of fuzz input as a T (zero-filled when the
// input runs out) and advances past them.
template <typename T>
T take(std::span<const u8>& in) {
    T value{};
    std::size_t n = std::min(sizeof(T), in.size());
    std::memcpy(&value, in.data(), n);
    in = in.subspan(n);
    return value;
}

} // namespace kite::fuzz
