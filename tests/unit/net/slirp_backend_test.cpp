#include "net/slirp_backend.h"
#include "packets.h"

#include <arpa/inet.h>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <gtest/gtest.h>
#include <mutex>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace kite::net {
namespace {

using namespace std::chrono_literals;
using namespace testing;

const MacAddress kGuestMac = MacAddress::default_for(0);
constexpr Ipv4Address kGuestIp{{10, 0, 2, 15}};
constexpr Ipv4Address kGatewayIp{{10, 0, 2, 2}};
constexpr auto kTimeout = 3s;

// A TCP socket listening on 127.0.0.1 on a port the kernel picks.
struct Listener {
    UniqueFd fd;
    u16 port{0};

    static Listener open() {
        Listener l;
        l.fd = UniqueFd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        EXPECT_EQ(::bind(l.fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
        EXPECT_EQ(::listen(l.fd.get(), 4), 0);
        socklen_t len = sizeof(addr);
        EXPECT_EQ(::getsockname(l.fd.get(), reinterpret_cast<sockaddr*>(&addr), &len), 0);
        l.port = ntohs(addr.sin_port);
        return l;
    }
};

class SlirpBackendTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto started = IoThread::start("kite-io-test");
        ASSERT_TRUE(started);
        io = std::move(*started);
    }
    void TearDown() override {
        backend.reset();
        io.reset();
    }

    // Creates the backend with a callback that records every frame (or
    // refuses them while `refuse` is set).
    Result<void> start(SlirpOptions options = {}) {
        auto created = SlirpBackend::create(*io, std::move(options));
        if (!created)
            return std::unexpected(created.error());
        backend = std::move(*created);
        io->run_sync([this] {
            backend->set_receive_callback([this](std::span<const u8> frame) {
                std::lock_guard lock(mutex);
                if (refuse)
                    return RxStatus::NoBuffers;
                frames.emplace_back(frame.begin(), frame.end());
                cv.notify_all();
                return RxStatus::Accepted;
            });
        });
        return {};
    }

    void send(const Bytes& frame) {
        io->run_sync([&] {
            iovec iov{const_cast<u8*>(frame.data()), frame.size()};
            auto r = backend->send(std::span(&iov, 1));
            EXPECT_TRUE(r) << r.error().message();
        });
    }

    // Waits for a received frame `match` accepts; returns it.
    std::optional<Bytes> wait_for(const std::function<bool(const Bytes&)>& match) {
        std::unique_lock lock(mutex);
        std::optional<Bytes> found;
        cv.wait_for(lock, kTimeout, [&] {
            for (const Bytes& f : frames)
                if (match(f)) {
                    found = f;
                    return true;
                }
            return false;
        });
        return found;
    }

    // Teaches slirp the guest's MAC (it answers the ARP and records the sender).
    void announce_guest() {
        send(arp_request(kGuestMac, kGuestIp, kGatewayIp));
        ASSERT_TRUE(wait_for([](const Bytes& f) { return parse_arp(f) && parse_arp(f)->op == 2; }));
    }

    std::unique_ptr<IoThread> io;
    std::unique_ptr<SlirpBackend> backend;
    std::mutex mutex;
    std::condition_variable cv;
    std::vector<Bytes> frames;
    bool refuse{false};
};

TEST_F(SlirpBackendTest, AnswersArpForTheGateway) {
    ASSERT_TRUE(start());
    EXPECT_EQ(backend->kind(), "slirp");
    EXPECT_FALSE(backend->has_vnet_header());
    send(arp_request(kGuestMac, kGuestIp, kGatewayIp));
    auto reply = wait_for([](const Bytes& f) { return parse_arp(f).has_value(); });
    ASSERT_TRUE(reply);
    auto arp = parse_arp(*reply);
    EXPECT_EQ(arp->op, 2);
    EXPECT_EQ(arp->sender_ip, kGatewayIp);
    EXPECT_EQ(arp->target_ip, kGuestIp);
    // Addressed to the guest.
    EXPECT_TRUE(std::equal(kGuestMac.bytes.begin(), kGuestMac.bytes.end(), reply->begin()));
}

TEST_F(SlirpBackendTest, DhcpDiscoverGetsAnOfferFor10_0_2_15) {
    ASSERT_TRUE(start());
    send(dhcp_discover(kGuestMac, 0x4b495445));
    auto offer = wait_for([](const Bytes& f) { return parse_dhcp_reply(f).has_value(); });
    ASSERT_TRUE(offer) << "no DHCP reply";
    auto reply = parse_dhcp_reply(*offer);
    EXPECT_EQ(reply->type, 2); // OFFER
    EXPECT_EQ(reply->yiaddr, kGuestIp);
}

TEST_F(SlirpBackendTest, HostForwardToAPortInUseIsAnError) {
    Listener busy = Listener::open();
    SlirpOptions options;
    options.hostfwds.push_back(*parse_hostfwd(fmt::format("tcp:127.0.0.1:{}-:22", busy.port)));
    auto r = start(std::move(options));
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message().find(fmt::format("127.0.0.1:{}", busy.port)), std::string::npos)
        << r.error().message();
    EXPECT_NE(r.error().message().find("hostfwd"), std::string::npos) << r.error().message();
}

TEST_F(SlirpBackendTest, HostForwardOutsideTheGuestNetworkIsAnError) {
    SlirpOptions options;
    options.hostfwds.push_back(*parse_hostfwd("tcp:127.0.0.1:2-192.168.1.5:22"));
    auto r = start(std::move(options));
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message().find("192.168.1.5"), std::string::npos) << r.error().message();
}

// A connection to the forwarded host port becomes a SYN to the guest: slirp's
// listening socket is watched through the IoThread.
TEST_F(SlirpBackendTest, HostForwardConnectionReachesTheGuest) {
    u16 port;
    {
        Listener probe = Listener::open(); // a port that was free a moment ago
        port = probe.port;
    }
    SlirpOptions options;
    options.hostfwds.push_back(*parse_hostfwd(fmt::format("tcp:127.0.0.1:{}-:22", port)));
    ASSERT_TRUE(start(std::move(options)));
    ASSERT_NO_FATAL_FAILURE(announce_guest());
    io->run_sync([&] { EXPECT_GE(backend->fds_watched(), 1u); });

    UniqueFd client(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    ::connect(client.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr));

    auto syn = wait_for([](const Bytes& f) {
        auto t = ipv4_payload(f, kProtoTcp);
        return t && t->size() >= 20 && get16(*t, 2) == 22 && ((*t)[13] & 0x02);
    });
    ASSERT_TRUE(syn) << "no SYN towards the guest";
    EXPECT_EQ(Ipv4Address::from_value(get32(*syn, kEthHeader + 16)), kGuestIp);
}

// A guest SYN to 10.0.2.2 becomes a connection to the host's loopback, and the
// guest gets the SYN-ACK once it completes (slirp's connecting socket is
// watched for writability).
TEST_F(SlirpBackendTest, GuestConnectionReachesTheHost) {
    Listener server = Listener::open();
    ASSERT_TRUE(start());
    ASSERT_NO_FATAL_FAILURE(announce_guest());
    const u16 guest_port = 40000;
    Bytes syn = tcp_syn(kGuestIp, kGatewayIp, guest_port, server.port, 1000);
    send(ethernet(MacAddress{{0x52, 0x55, 10, 0, 2, 2}}, kGuestMac, kEtherIpv4,
                  ipv4(kGuestIp, kGatewayIp, kProtoTcp, syn)));

    pollfd p{server.fd.get(), POLLIN, 0};
    ASSERT_EQ(::poll(&p, 1, 3000), 1) << "slirp did not connect to the host";
    UniqueFd accepted(::accept4(server.fd.get(), nullptr, nullptr, SOCK_CLOEXEC));
    EXPECT_TRUE(accepted);

    auto synack = wait_for([&](const Bytes& f) {
        auto t = ipv4_payload(f, kProtoTcp);
        return t && t->size() >= 20 && get16(*t, 2) == guest_port && ((*t)[13] & 0x12) == 0x12;
    });
    ASSERT_TRUE(synack) << "no SYN-ACK towards the guest";
    EXPECT_EQ(get32(*ipv4_payload(*synack, kProtoTcp), 8), 1001u); // acknowledges our SYN
}

TEST_F(SlirpBackendTest, HoldsFramesWhileTheDeviceHasNoBuffers) {
    ASSERT_TRUE(start());
    {
        std::lock_guard lock(mutex);
        refuse = true;
    }
    send(arp_request(kGuestMac, kGuestIp, kGatewayIp));
    io->run_sync([&] {
        EXPECT_TRUE(backend->receive_paused());
        EXPECT_EQ(backend->frames_queued(), 1u);
    });
    {
        std::lock_guard lock(mutex);
        EXPECT_TRUE(frames.empty());
        refuse = false;
    }
    io->run_sync([&] {
        backend->resume_receive();
        EXPECT_FALSE(backend->receive_paused());
        EXPECT_EQ(backend->frames_queued(), 0u);
    });
    EXPECT_TRUE(wait_for([](const Bytes& f) { return parse_arp(f).has_value(); }));
}

TEST_F(SlirpBackendTest, QueueWhilePausedIsBounded) {
    ASSERT_TRUE(start());
    {
        std::lock_guard lock(mutex);
        refuse = true;
    }
    const Bytes request = arp_request(kGuestMac, kGuestIp, kGatewayIp);
    for (std::size_t i = 0; i < SlirpBackend::kMaxQueuedFrames + 10; ++i)
        send(request);
    io->run_sync([&] {
        EXPECT_EQ(backend->frames_queued(), SlirpBackend::kMaxQueuedFrames);
        EXPECT_EQ(backend->frames_dropped(), 10u);
    });
}

double cpu_seconds() {
    rusage u{};
    ::getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// An idle backend sleeps in epoll (waking for slirp's timers at most about once a second).
TEST_F(SlirpBackendTest, IdleBackendDoesNotSpin) {
    ASSERT_TRUE(start());
    ASSERT_NO_FATAL_FAILURE(announce_guest());
    const double before = cpu_seconds();
    std::this_thread::sleep_for(300ms);
    EXPECT_LT(cpu_seconds() - before, 0.1);
}

TEST_F(SlirpBackendTest, OversizedFrameIsRefused) {
    ASSERT_TRUE(start());
    Bytes huge(kMaxFrameSize + 1);
    io->run_sync([&] {
        iovec iov{huge.data(), huge.size()};
        EXPECT_FALSE(backend->send(std::span(&iov, 1)));
    });
}

} // namespace
} // namespace kite::net
