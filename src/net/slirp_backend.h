#pragma once

#include "base/error.h"
#include "base/types.h"
#include "base/unique_fd.h"
#include "event/io_thread.h"
#include "net/hostfwd.h"
#include "net/net_backend.h"

#include <deque>
#include <memory>
#include <string>
#include <sys/epoll.h>
#include <unordered_map>
#include <unordered_set>
#include <vector>

struct Slirp; // libslirp's state; only slirp_backend.cpp includes libslirp.h

namespace kite::net {

struct SlirpOptions {
    std::vector<HostForward> hostfwds;
    // Isolate the guest: only host forwards and the built-in services (DHCP,
    // DNS) work, nothing reaches the outside.
    bool restricted{false};
    // Also serve IPv6 (prefix fec0::/64, host fec0::2, DNS fec0::3), as QEMU does.
    bool ipv6{true};
    // The host name DHCP hands the guest (empty: none).
    std::string hostname;
};

// User-mode networking through libslirp: a NAT'ed 10.0.2.0/24 network with the
// host (and gateway) at 10.0.2.2, a DNS forwarder at 10.0.2.3 and DHCP leases
// from 10.0.2.15, as QEMU's `-netdev user` gives. The guest's TCP and UDP
// flows become host sockets; hostfwd rules listen on host ports.
//
// libslirp is not thread-safe, so every call into it happens on the IoThread.
// Its sockets are watched through a private epoll set, registered in the
// IoThread's loop as one fd: after every call into slirp, the backend asks it
// which fds it wants polled (slirp_pollfds_fill) and brings the private set up
// to date (add / modify / delete, using slirp's register and unregister hooks
// to catch fd numbers reused by new sockets); when that set is readable it
// collects the ready events and hands them to slirp_pollfds_poll. The timeout
// slirp asks for (its TCP timers; at most a second) and slirp's own timers are
// Kite Timers, so an idle backend sleeps in epoll and wakes about once a second.
class SlirpBackend final : public NetBackend {
public:
    // Frames kept while the device has no receive buffers; later ones are dropped
    // (TCP retransmits them).
    static constexpr std::size_t kMaxQueuedFrames = 256;

    // Starts slirp on `io` with the forwards in `options`; a forward whose host
    // port cannot be bound (in use, no permission) is an error.
    static Result<std::unique_ptr<SlirpBackend>> create(IoThread& io, SlirpOptions options);
    ~SlirpBackend() override;
    SlirpBackend(const SlirpBackend&) = delete;
    SlirpBackend& operator=(const SlirpBackend&) = delete;

    std::string_view kind() const override { return "slirp"; }
    bool has_vnet_header() const override { return false; }
    void set_receive_callback(ReceiveCallback callback) override;
    Result<void> send(std::span<const iovec> frame) override;
    void resume_receive() override;
    bool receive_paused() const override { return m_paused; }

    // Counters (read them on the IoThread, or after run_sync).
    u64 frames_dropped() const { return m_frames_dropped; }
    std::size_t frames_queued() const { return m_queue.size(); }
    std::size_t fds_watched() const { return m_watched.size(); }

    // libslirp callbacks (public for the C trampolines; not for callers).
    struct Hooks;
    struct SlirpTimer;

private:
    SlirpBackend(IoThread& io, SlirpOptions options) : m_io(&io), m_options(std::move(options)) {}

    Result<void> start();
    void stop();
    Result<void> add_hostfwd(const HostForward& fwd);

    // Hands a frame from slirp to the device, or queues it while paused.
    void deliver(std::span<const u8> frame);
    // Slirp's sockets became ready: collect their events and let slirp run.
    void poll_sockets();
    // After every call into slirp: the fds to watch and the next timeout.
    void update_watch();
    void watch_fd(int fd, u32 events);
    void unwatch_fd(int fd);
    void free_timer(SlirpTimer* t);

    IoThread* m_io;
    SlirpOptions m_options;
    ::Slirp* m_slirp{nullptr};
    bool m_stopping{false};
    UniqueFd m_epoll;                       // slirp's sockets, registered in the IoThread loop as one fd
    std::unique_ptr<Timer> m_poll_timer;    // the timeout slirp_pollfds_fill asked for
    std::unordered_map<int, u32> m_watched; // fd -> epoll events in m_epoll

    // One slirp_pollfds_fill round: what slirp asked for, by add_poll index.
    struct PollEntry {
        int fd;
        u32 events;  // epoll bits
        u32 revents; // epoll bits reported
    };
    std::vector<PollEntry> m_entries;
    std::unordered_map<int, u32> m_ready;  // fd -> epoll events reported, while polling
    std::unordered_map<int, u32> m_wanted; // fd -> epoll events slirp asked for, while updating
    std::vector<epoll_event> m_events;
    std::unordered_set<SlirpTimer*> m_timers;

    ReceiveCallback m_callback;
    bool m_paused{false};
    std::deque<std::vector<u8>> m_queue;
    std::vector<u8> m_send_buffer;
    u64 m_frames_dropped{0};
    u64 m_guest_errors{0};
};

} // namespace kite::net
