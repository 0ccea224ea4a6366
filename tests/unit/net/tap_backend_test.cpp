#include "net/tap_backend.h"
#include "packets.h"

#include <arpa/inet.h>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <mutex>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace kite::net {
namespace {

using namespace std::chrono_literals;
using namespace testing;

// Why tap tests cannot run here, or empty when /dev/net/tun opens.
std::string tun_unavailable() {
    UniqueFd fd(::open("/dev/net/tun", O_RDWR | O_CLOEXEC));
    if (!fd)
        return fmt::format("cannot open /dev/net/tun: {}", std::strerror(errno));
    return {};
}

TEST(TapBackend, RejectsBadInterfaceNames) {
    auto io = IoThread::start();
    ASSERT_TRUE(io);
    auto too_long = TapBackend::create(**io, {"a-very-long-tap-name"});
    ASSERT_FALSE(too_long);
    EXPECT_NE(too_long.error().message().find("longer than 15"), std::string::npos);
    EXPECT_FALSE(TapBackend::create(**io, {"tap/0"}));
}

// Assigns 192.0.2.1/24 to `ifname` and brings it up (in the calling thread's network namespace).
Result<void> configure_interface(const std::string& ifname) {
    UniqueFd sock(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!sock)
        return errno_error("socket");
    ifreq ifr{};
    std::memcpy(ifr.ifr_name, ifname.data(), ifname.size());
    auto* addr = reinterpret_cast<sockaddr_in*>(&ifr.ifr_addr);
    addr->sin_family = AF_INET;
    addr->sin_addr.s_addr = htonl(0xC0000201); // 192.0.2.1
    if (::ioctl(sock.get(), SIOCSIFADDR, &ifr) != 0)
        return errno_error("SIOCSIFADDR");
    addr->sin_addr.s_addr = htonl(0xFFFFFF00);
    if (::ioctl(sock.get(), SIOCSIFNETMASK, &ifr) != 0)
        return errno_error("SIOCSIFNETMASK");
    if (::ioctl(sock.get(), SIOCGIFFLAGS, &ifr) != 0)
        return errno_error("SIOCGIFFLAGS");
    ifr.ifr_flags |= IFF_UP;
    if (::ioctl(sock.get(), SIOCSIFFLAGS, &ifr) != 0)
        return errno_error("SIOCSIFFLAGS");
    return {};
}

// The host kernel answers an ARP request sent through the tap, and the answer
// comes back with a vnet header. Runs in a private network namespace so no
// interface appears on the host.
TEST(TapBackend, ArpRoundTripWithVnetHeaders) {
    if (auto why = tun_unavailable(); !why.empty())
        GTEST_SKIP() << why;
    auto io_started = IoThread::start("kite-io-test");
    ASSERT_TRUE(io_started);
    IoThread& io = **io_started;

    std::string skip;
    std::thread worker([&] {
        // Before the backend, so they outlive its callback.
        std::mutex mutex;
        std::condition_variable cv;
        std::optional<Bytes> reply;
        if (::unshare(CLONE_NEWNET) != 0) {
            skip = fmt::format("cannot create a network namespace: {}", std::strerror(errno));
            return;
        }
        auto created = TapBackend::create(io, {"kitetest%d"});
        if (!created) {
            skip = created.error().message();
            return;
        }
        std::unique_ptr<TapBackend> tap = std::move(*created);
        EXPECT_EQ(tap->kind(), "tap");
        EXPECT_TRUE(tap->has_vnet_header());
        EXPECT_TRUE(tap->ifname().starts_with("kitetest")) << tap->ifname();

        const MacAddress guest_mac = MacAddress::default_for(0);
        Bytes frame(kVnetHeaderSize, 0);
        append(frame, arp_request(guest_mac, Ipv4Address{{192, 0, 2, 2}}, Ipv4Address{{192, 0, 2, 1}}));
        iovec iov{frame.data(), frame.size()};
        // Down interface: the kernel refuses the frame.
        io.run_sync([&] { EXPECT_FALSE(tap->send(std::span(&iov, 1))); });

        if (auto r = configure_interface(tap->ifname()); !r) {
            skip = r.error().message();
            return;
        }
        io.run_sync([&] {
            EXPECT_TRUE(tap->set_rx_checksum_offload(true));
            EXPECT_TRUE(tap->set_rx_checksum_offload(false));
            tap->set_receive_callback([&](std::span<const u8> f) {
                std::lock_guard lock(mutex);
                if (f.size() > kVnetHeaderSize) {
                    auto arp = parse_arp(f.subspan(kVnetHeaderSize));
                    if (arp && arp->op == 2) {
                        reply = Bytes(f.begin(), f.end());
                        cv.notify_all();
                    }
                }
                return RxStatus::Accepted;
            });
            auto r = tap->send(std::span(&iov, 1));
            EXPECT_TRUE(r) << r.error().message();
        });
        {
            std::unique_lock lock(mutex);
            cv.wait_for(lock, 3s, [&] { return reply.has_value(); });
        }
        ASSERT_TRUE(reply) << "no ARP reply from the host kernel";
        // Header first (no offloads: gso none), then the reply to our MAC.
        EXPECT_EQ((*reply)[1], 0) << "gso_type";
        auto arp = parse_arp(std::span<const u8>(*reply).subspan(kVnetHeaderSize));
        EXPECT_EQ(arp->sender_ip, (Ipv4Address{{192, 0, 2, 1}}));
        EXPECT_EQ(arp->target_ip, (Ipv4Address{{192, 0, 2, 2}}));
        EXPECT_TRUE(
            std::equal(guest_mac.bytes.begin(), guest_mac.bytes.end(), reply->begin() + kVnetHeaderSize));
        tap.reset();
    });
    worker.join();
    if (!skip.empty())
        GTEST_SKIP() << skip;
}

} // namespace
} // namespace kite::net
