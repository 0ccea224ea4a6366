#pragma once

#include "base/error.h"
#include "base/types.h"

#include <array>
#include <string>
#include <string_view>

namespace kite::net {

// An Ethernet MAC address of a guest NIC.
struct MacAddress {
    std::array<u8, 6> bytes{};

    // "52:54:00:12:34:56": six pairs of hex digits separated by ':'. A NIC
    // needs a unicast address: multicast (bit 0 of the first byte set) and
    // all-zero addresses are errors.
    static Result<MacAddress> parse(std::string_view text);

    // 52:54:00:12:34:56 for NIC 0, ...:57 for NIC 1 and so on (the low 24 bits
    // count up, wrapping): stable across runs so guest network configuration
    // keyed on the MAC keeps working.
    static MacAddress default_for(u32 index);

    // Lowercase, colon-separated.
    std::string to_string() const;

    bool is_multicast() const { return (bytes[0] & 1) != 0; }
    bool operator==(const MacAddress&) const = default;
};

} // namespace kite::net
