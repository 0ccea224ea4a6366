#pragma once

// Builds and picks apart the few Ethernet / ARP / IPv4 / UDP / TCP / DHCP
// packets the backend tests exchange with the host network stack or libslirp.
// Multi-byte fields are big-endian on the wire.

#include "base/types.h"
#include "net/hostfwd.h"
#include "net/mac_address.h"

#include <optional>
#include <span>
#include <vector>

namespace kite::net::testing {

using Bytes = std::vector<u8>;

constexpr u16 kEtherIpv4 = 0x0800;
constexpr u16 kEtherArp = 0x0806;
constexpr u8 kProtoTcp = 6;
constexpr u8 kProtoUdp = 17;
constexpr std::size_t kEthHeader = 14;
constexpr std::size_t kIpHeader = 20;

inline const MacAddress kBroadcast{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};

inline void put16(Bytes& b, std::size_t at, u16 v) {
    b[at] = static_cast<u8>(v >> 8);
    b[at + 1] = static_cast<u8>(v);
}
inline void put32(Bytes& b, std::size_t at, u32 v) {
    put16(b, at, static_cast<u16>(v >> 16));
    put16(b, at + 2, static_cast<u16>(v));
}
inline u16 get16(std::span<const u8> b, std::size_t at) {
    return static_cast<u16>(b[at] << 8 | b[at + 1]);
}
inline u32 get32(std::span<const u8> b, std::size_t at) {
    return u32{get16(b, at)} << 16 | get16(b, at + 2);
}
inline void append(Bytes& b, std::span<const u8> more) {
    b.insert(b.end(), more.begin(), more.end());
}

// The Internet checksum (RFC 1071) of `data`, continuing from `sum`.
inline u16 checksum(std::span<const u8> data, u32 sum = 0) {
    for (std::size_t i = 0; i + 1 < data.size(); i += 2)
        sum += get16(data, i);
    if (data.size() % 2)
        sum += u32{data.back()} << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<u16>(~sum);
}

inline Bytes ethernet(const MacAddress& dst, const MacAddress& src, u16 type, std::span<const u8> payload) {
    Bytes b(kEthHeader);
    std::copy(dst.bytes.begin(), dst.bytes.end(), b.begin());
    std::copy(src.bytes.begin(), src.bytes.end(), b.begin() + 6);
    put16(b, 12, type);
    append(b, payload);
    if (b.size() < 60)
        b.resize(60); // the Ethernet minimum, as a NIC pads it
    return b;
}

inline Bytes ipv4(Ipv4Address src, Ipv4Address dst, u8 protocol, std::span<const u8> payload) {
    Bytes b(kIpHeader);
    b[0] = 0x45; // version 4, 5 words
    put16(b, 2, static_cast<u16>(kIpHeader + payload.size()));
    put16(b, 4, 0x1234); // id
    b[8] = 64;           // ttl
    b[9] = protocol;
    put32(b, 12, src.value());
    put32(b, 16, dst.value());
    put16(b, 10, checksum(b));
    append(b, payload);
    return b;
}

// The TCP/UDP pseudo-header sum, for the transport checksum.
inline u32 pseudo_sum(Ipv4Address src, Ipv4Address dst, u8 protocol, std::size_t length) {
    return (src.value() >> 16) + (src.value() & 0xffff) + (dst.value() >> 16) + (dst.value() & 0xffff) +
           protocol + static_cast<u32>(length);
}

inline Bytes udp(u16 sport, u16 dport, std::span<const u8> payload) {
    Bytes b(8);
    put16(b, 0, sport);
    put16(b, 2, dport);
    put16(b, 4, static_cast<u16>(8 + payload.size()));
    // Checksum 0: none (allowed over IPv4).
    append(b, payload);
    return b;
}

inline Bytes tcp_syn(Ipv4Address src, Ipv4Address dst, u16 sport, u16 dport, u32 seq) {
    Bytes b(24);
    put16(b, 0, sport);
    put16(b, 2, dport);
    put32(b, 4, seq);
    b[12] = 6 << 4; // 24-byte header
    b[13] = 0x02;   // SYN
    put16(b, 14, 64240);
    b[20] = 2; // MSS option
    b[21] = 4;
    put16(b, 22, 1460);
    put16(b, 16, checksum(b, pseudo_sum(src, dst, kProtoTcp, b.size())));
    return b;
}

inline Bytes arp_request(const MacAddress& sender_mac, Ipv4Address sender_ip, Ipv4Address target_ip) {
    Bytes b(28);
    put16(b, 0, 1);      // Ethernet
    put16(b, 2, 0x0800); // IPv4
    b[4] = 6;
    b[5] = 4;
    put16(b, 6, 1); // request
    std::copy(sender_mac.bytes.begin(), sender_mac.bytes.end(), b.begin() + 8);
    put32(b, 14, sender_ip.value());
    put32(b, 24, target_ip.value());
    return ethernet(kBroadcast, sender_mac, kEtherArp, b);
}

// A BOOTP/DHCP DISCOVER as a client with no address broadcasts it.
inline Bytes dhcp_discover(const MacAddress& mac, u32 xid) {
    Bytes bootp(236);
    bootp[0] = 1; // BOOTREQUEST
    bootp[1] = 1; // Ethernet
    bootp[2] = 6;
    put32(bootp, 4, xid);
    put16(bootp, 10, 0x8000); // broadcast reply
    std::copy(mac.bytes.begin(), mac.bytes.end(), bootp.begin() + 28);
    const u8 options[] = {0x63, 0x82, 0x53, 0x63,    // magic cookie
                          53,   1,    1,             // DHCP message type: DISCOVER
                          55,   3,    1,    3,    6, // parameter request list: mask, router, DNS
                          255};
    append(bootp, options);
    bootp.resize(236 + 312); // the full options area, as BOOTP servers expect
    Bytes u = udp(68, 67, bootp);
    Bytes ip = ipv4(Ipv4Address{}, Ipv4Address{{255, 255, 255, 255}}, kProtoUdp, u);
    return ethernet(kBroadcast, mac, kEtherIpv4, ip);
}

inline u16 ether_type(std::span<const u8> f) {
    return f.size() >= kEthHeader ? get16(f, 12) : 0;
}

// The IPv4 payload of `f` if it is IPv4 with `protocol`.
inline std::optional<std::span<const u8>> ipv4_payload(std::span<const u8> f, u8 protocol) {
    if (ether_type(f) != kEtherIpv4 || f.size() < kEthHeader + kIpHeader)
        return std::nullopt;
    auto ip = f.subspan(kEthHeader);
    const std::size_t ihl = (ip[0] & 0xf) * 4u;
    if (ip[9] != protocol || ip.size() < ihl)
        return std::nullopt;
    return ip.subspan(ihl);
}

// The DHCP message type (option 53) and offered address of a DHCP reply in `f`.
struct DhcpReply {
    u8 type;
    Ipv4Address yiaddr;
};
inline std::optional<DhcpReply> parse_dhcp_reply(std::span<const u8> f) {
    auto u = ipv4_payload(f, kProtoUdp);
    if (!u || u->size() < 8 + 240 || get16(*u, 0) != 67 || get16(*u, 2) != 68)
        return std::nullopt;
    auto bootp = u->subspan(8);
    if (bootp[0] != 2 || get32(bootp, 236) != 0x63825363)
        return std::nullopt;
    DhcpReply reply{0, Ipv4Address::from_value(get32(bootp, 16))};
    for (std::size_t i = 240; i + 1 < bootp.size() && bootp[i] != 255;) {
        if (bootp[i] == 0) {
            ++i;
            continue;
        }
        if (bootp[i] == 53 && i + 2 < bootp.size())
            reply.type = bootp[i + 2];
        i += 2u + bootp[i + 1];
    }
    return reply;
}

struct ArpPacket {
    u16 op;
    MacAddress sender_mac;
    Ipv4Address sender_ip;
    Ipv4Address target_ip;
};
inline std::optional<ArpPacket> parse_arp(std::span<const u8> f) {
    if (ether_type(f) != kEtherArp || f.size() < kEthHeader + 28)
        return std::nullopt;
    auto a = f.subspan(kEthHeader);
    ArpPacket p{
        get16(a, 6), {}, Ipv4Address::from_value(get32(a, 14)), Ipv4Address::from_value(get32(a, 24))};
    std::copy(a.begin() + 8, a.begin() + 14, p.sender_mac.bytes.begin());
    return p;
}

} // namespace kite::net::testing
