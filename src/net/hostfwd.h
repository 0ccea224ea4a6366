#pragma once

#include "base/error.h"
#include "base/types.h"

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace kite::net {

// An IPv4 address, octets in network order (10.0.2.15 is {10, 0, 2, 15}).
struct Ipv4Address {
    std::array<u8, 4> octets{};

    // Dotted quad, four decimal numbers 0-255 ("127.0.0.1").
    static Result<Ipv4Address> parse(std::string_view text);
    std::string to_string() const;
    // The address as a host-order integer (10.0.2.15 is 0x0A00020F).
    u32 value() const {
        return u32{octets[0]} << 24 | u32{octets[1]} << 16 | u32{octets[2]} << 8 | u32{octets[3]};
    }
    static Ipv4Address from_value(u32 v) {
        return {{static_cast<u8>(v >> 24), static_cast<u8>(v >> 16), static_cast<u8>(v >> 8),
                 static_cast<u8>(v)}};
    }
    bool operator==(const Ipv4Address&) const = default;
};

// One port forwarding rule of user-mode networking: connections (or
// datagrams) to host_addr:host_port on the host reach guest_addr:guest_port in
// the guest.
struct HostForward {
    enum class Protocol { Tcp, Udp };

    Protocol protocol{Protocol::Tcp};
    // Empty in the rule: every host interface (0.0.0.0), as QEMU does.
    Ipv4Address host_addr{};
    u16 host_port{0};
    // Empty in the rule: the guest's DHCP address (10.0.2.15 for slirp).
    std::optional<Ipv4Address> guest_addr;
    u16 guest_port{0};

    // Back to the rule syntax ("tcp:127.0.0.1:2222-:22").
    std::string to_string() const;
    bool operator==(const HostForward&) const = default;
};

// Parses QEMU's hostfwd syntax, `[tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport`
// (an optional leading "hostfwd=" is accepted). The protocol defaults to tcp;
// ports are 1-65535.
Result<HostForward> parse_hostfwd(std::string_view text);

} // namespace kite::net
