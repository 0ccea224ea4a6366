#include "net/hostfwd.h"

#include <gtest/gtest.h>

namespace kite::net {
namespace {

using Protocol = HostForward::Protocol;

TEST(Ipv4Address, ParsesDottedQuads) {
    auto a = Ipv4Address::parse("10.0.2.15");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->value(), 0x0A00020Fu);
    EXPECT_EQ(a->to_string(), "10.0.2.15");
    EXPECT_EQ(Ipv4Address::from_value(0x7F000001).to_string(), "127.0.0.1");
    for (const char* bad :
         {"", "1.2.3", "1.2.3.4.5", "256.0.0.1", "1..2.3", "a.b.c.d", "1.2.3.4 ", "-1.2.3.4", "0001.2.3.4"})
        EXPECT_FALSE(Ipv4Address::parse(bad)) << "accepted '" << bad << "'";
}

TEST(HostForward, ParsesQemuSyntax) {
    auto fwd = parse_hostfwd("tcp::8080-:80");
    ASSERT_TRUE(fwd) << fwd.error().message();
    EXPECT_EQ(fwd->protocol, Protocol::Tcp);
    EXPECT_EQ(fwd->host_addr, Ipv4Address{});
    EXPECT_EQ(fwd->host_port, 8080);
    EXPECT_FALSE(fwd->guest_addr);
    EXPECT_EQ(fwd->guest_port, 80);
    EXPECT_EQ(fwd->to_string(), "tcp::8080-:80");

    fwd = parse_hostfwd("tcp:127.0.0.1:2222-:22");
    ASSERT_TRUE(fwd);
    EXPECT_EQ(fwd->host_addr.to_string(), "127.0.0.1");
    EXPECT_EQ(fwd->host_port, 2222);
    EXPECT_EQ(fwd->guest_port, 22);
    EXPECT_EQ(fwd->to_string(), "tcp:127.0.0.1:2222-:22");

    fwd = parse_hostfwd("udp:0.0.0.0:5353-10.0.2.20:53");
    ASSERT_TRUE(fwd);
    EXPECT_EQ(fwd->protocol, Protocol::Udp);
    ASSERT_TRUE(fwd->guest_addr);
    EXPECT_EQ(fwd->guest_addr->to_string(), "10.0.2.20");
    EXPECT_EQ(fwd->guest_port, 53);

    // The protocol may be left out (tcp), and a "hostfwd=" prefix is accepted.
    fwd = parse_hostfwd(":127.0.0.1:65535-:1");
    ASSERT_TRUE(fwd);
    EXPECT_EQ(fwd->protocol, Protocol::Tcp);
    EXPECT_EQ(fwd->host_port, 65535);
    fwd = parse_hostfwd("hostfwd=udp::6000-:7000");
    ASSERT_TRUE(fwd);
    EXPECT_EQ(fwd->protocol, Protocol::Udp);
    EXPECT_EQ(fwd->host_port, 6000);
    EXPECT_EQ(fwd->guest_port, 7000);
}

TEST(HostForward, RejectsBadInputWithClearErrors) {
    struct Case {
        const char* text;
        const char* expect; // a fragment of the message
    };
    const Case cases[] = {
        {"", "expected"},
        {"tcp", "expected"},
        {"sctp::80-:80", "protocol 'sctp'"},
        {"tcp::8080", "missing '-'"},
        {"tcp:8080-:80", "host side"},
        {"tcp::8080-80", "guest side"},
        {"tcp::-:80", "missing host port"},
        {"tcp::8080-:", "missing guest port"},
        {"tcp::0-:80", "host port '0'"},
        {"tcp::65536-:80", "host port '65536'"},
        {"tcp::80x-:80", "host port '80x'"},
        {"tcp::8080-:-1", "guest port"},
        {"tcp:localhost:8080-:80", "host address"},
        {"tcp::8080-10.0.2:80", "guest address"},
        {"tcp:1.2.3.999:8080-:80", "host address"},
    };
    for (const Case& c : cases) {
        auto r = parse_hostfwd(c.text);
        ASSERT_FALSE(r) << "accepted '" << c.text << "'";
        EXPECT_NE(r.error().message().find(c.expect), std::string::npos)
            << "'" << c.text << "': " << r.error().message();
        EXPECT_NE(r.error().message().find("hostfwd"), std::string::npos) << r.error().message();
    }
}

} // namespace
} // namespace kite::net
