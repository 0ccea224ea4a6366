#pragma once

#include "base/types.h"

#include <compare>

namespace kite {

// A guest-physical address. A distinct type so host pointers, offsets and guest
// addresses cannot be mixed up silently.
struct GuestAddress {
    u64 value{0};

    constexpr GuestAddress() = default;
    constexpr explicit GuestAddress(u64 v) : value(v) {}
    constexpr auto operator<=>(const GuestAddress&) const = default;
    constexpr GuestAddress operator+(u64 offset) const { return GuestAddress(value + offset); }
};

} // namespace kite
