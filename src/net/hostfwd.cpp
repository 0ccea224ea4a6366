#include "net/hostfwd.h"

#include <charconv>
#include <fmt/format.h>

namespace kite::net {

namespace {

// A decimal number in [min, max] with nothing else around it.
std::optional<u32> parse_number(std::string_view text, u32 min, u32 max) {
    if (text.empty() || text.size() > 5)
        return std::nullopt;
    u32 value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max)
        return std::nullopt;
    return value;
}

Result<u16> parse_port(std::string_view text, std::string_view rule, std::string_view which) {
    if (text.empty())
        return error("hostfwd '{}': missing {} port", rule, which);
    auto port = parse_number(text, 1, 65535);
    if (!port)
        return error("hostfwd '{}': {} port '{}' is not a number in 1-65535", rule, which, text);
    return static_cast<u16>(*port);
}

} // namespace

Result<Ipv4Address> Ipv4Address::parse(std::string_view text) {
    Ipv4Address addr;
    std::string_view rest = text;
    for (std::size_t i = 0; i < 4; ++i) {
        std::size_t dot = i < 3 ? rest.find('.') : rest.size();
        if (dot == std::string_view::npos)
            return error("IPv4 address '{}': expected four numbers separated by '.'", text);
        auto octet = parse_number(rest.substr(0, dot), 0, 255);
        if (!octet || dot > 3)
            return error("IPv4 address '{}': '{}' is not a number in 0-255", text, rest.substr(0, dot));
        addr.octets[i] = static_cast<u8>(*octet);
        rest = i < 3 ? rest.substr(dot + 1) : std::string_view{};
    }
    return addr;
}

std::string Ipv4Address::to_string() const {
    return fmt::format("{}.{}.{}.{}", octets[0], octets[1], octets[2], octets[3]);
}

std::string HostForward::to_string() const {
    const Ipv4Address any{};
    return fmt::format("{}:{}:{}-{}:{}", protocol == Protocol::Udp ? "udp" : "tcp",
                       host_addr == any ? std::string() : host_addr.to_string(), host_port,
                       guest_addr ? guest_addr->to_string() : std::string(), guest_port);
}

Result<HostForward> parse_hostfwd(std::string_view text) {
    std::string_view rule = text;
    if (rule.starts_with("hostfwd="))
        rule.remove_prefix(8);
    HostForward fwd;

    // protocol ':' host-part '-' guest-part
    const std::size_t colon = rule.find(':');
    if (colon == std::string_view::npos)
        return error("hostfwd '{}': expected [tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport", text);
    const std::string_view proto = rule.substr(0, colon);
    if (proto == "tcp" || proto.empty())
        fwd.protocol = HostForward::Protocol::Tcp;
    else if (proto == "udp")
        fwd.protocol = HostForward::Protocol::Udp;
    else
        return error("hostfwd '{}': protocol '{}' is not tcp or udp", text, proto);
    rule.remove_prefix(colon + 1);

    const std::size_t dash = rule.find('-');
    if (dash == std::string_view::npos)
        return error("hostfwd '{}': missing '-' between the host and guest sides", text);
    const std::string_view host = rule.substr(0, dash);
    const std::string_view guest = rule.substr(dash + 1);

    const std::size_t host_colon = host.find(':');
    if (host_colon == std::string_view::npos)
        return error("hostfwd '{}': host side '{}' is not [hostaddr]:hostport", text, host);
    if (host_colon > 0)
        fwd.host_addr = TRY_CONTEXT(Ipv4Address::parse(host.substr(0, host_colon)),
                                    fmt::format("hostfwd '{}': host address", text));
    fwd.host_port = TRY(parse_port(host.substr(host_colon + 1), text, "host"));

    const std::size_t guest_colon = guest.find(':');
    if (guest_colon == std::string_view::npos)
        return error("hostfwd '{}': guest side '{}' is not [guestaddr]:guestport", text, guest);
    if (guest_colon > 0)
        fwd.guest_addr = TRY_CONTEXT(Ipv4Address::parse(guest.substr(0, guest_colon)),
                                     fmt::format("hostfwd '{}': guest address", text));
    fwd.guest_port = TRY(parse_port(guest.substr(guest_colon + 1), text, "guest"));
    return fwd;
}

} // namespace kite::net
