#include "net/mac_address.h"

#include <algorithm>
#include <fmt/format.h>

namespace kite::net {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

} // namespace

Result<MacAddress> MacAddress::parse(std::string_view text) {
    // "xx:" five times, then "xx".
    constexpr std::size_t kLength = 6 * 3 - 1;
    if (text.size() != kLength)
        return error(
            "MAC address '{}': expected six hex byte pairs separated by ':' (like 52:54:00:12:34:56)", text);
    MacAddress mac;
    for (std::size_t i = 0; i < 6; ++i) {
        const std::size_t at = i * 3;
        int high = hex_value(text[at]);
        int low = hex_value(text[at + 1]);
        if (high < 0 || low < 0)
            return error("MAC address '{}': '{}' is not a hex byte", text, text.substr(at, 2));
        if (i < 5 && text[at + 2] != ':')
            return error("MAC address '{}': expected ':' after byte {}", text, i + 1);
        mac.bytes[i] = static_cast<u8>(high << 4 | low);
    }
    if (mac.is_multicast())
        return error("MAC address '{}' is a multicast address (a NIC needs a unicast one: bit 0 of the "
                     "first byte clear)",
                     text);
    if (std::ranges::all_of(mac.bytes, [](u8 b) { return b == 0; }))
        return error("MAC address '{}' is all zeros", text);
    return mac;
}

MacAddress MacAddress::default_for(u32 index) {
    const u32 nic = (0x123456u + index) & 0xFFFFFFu;
    return MacAddress{
        {0x52, 0x54, 0x00, static_cast<u8>(nic >> 16), static_cast<u8>(nic >> 8), static_cast<u8>(nic)}};
}

std::string MacAddress::to_string() const {
    return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", bytes[0], bytes[1], bytes[2], bytes[3],
                       bytes[4], bytes[5]);
}

} // namespace kite::net
