#include "net/slirp_backend.h"

#include "base/clock.h"
#include "base/log.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <libslirp.h>
#include <sys/epoll.h>

namespace kite::net {

static_assert(SLIRP_CONFIG_VERSION_MAX >= 4, "Kite needs libslirp 4.7 or later (SlirpConfig version 4)");

namespace {

// The addresses QEMU's user networking uses, which guests and users expect.
constexpr Ipv4Address kNetwork{{10, 0, 2, 0}};
constexpr Ipv4Address kNetmask{{255, 255, 255, 0}};
constexpr Ipv4Address kHost{{10, 0, 2, 2}};
constexpr Ipv4Address kNameserver{{10, 0, 2, 3}};
constexpr Ipv4Address kDhcpStart{{10, 0, 2, 15}};

in_addr to_in_addr(Ipv4Address a) {
    in_addr out{};
    out.s_addr = htonl(a.value());
    return out;
}

in6_addr to_in6_addr(const char* text) {
    in6_addr out{};
    inet_pton(AF_INET6, text, &out);
    return out;
}

u32 slirp_to_epoll(int events) {
    u32 out = 0;
    if (events & SLIRP_POLL_IN)
        out |= EPOLLIN;
    if (events & SLIRP_POLL_OUT)
        out |= EPOLLOUT;
    if (events & SLIRP_POLL_PRI)
        out |= EPOLLPRI;
    return out;
}

int epoll_to_slirp(u32 events) {
    int out = 0;
    if (events & EPOLLIN)
        out |= SLIRP_POLL_IN;
    if (events & EPOLLOUT)
        out |= SLIRP_POLL_OUT;
    if (events & EPOLLPRI)
        out |= SLIRP_POLL_PRI;
    if (events & EPOLLERR)
        out |= SLIRP_POLL_ERR;
    if (events & EPOLLHUP)
        out |= SLIRP_POLL_HUP;
    return out;
}

// Counted events are logged the first few times, then at powers of two.
} // namespace

// One libslirp timer: either a plain callback (timer_new) or an id that goes
// back through slirp_handle_timer (timer_new_opaque).
struct SlirpBackend::SlirpTimer {
    SlirpBackend* owner{nullptr};
    SlirpTimerCb callback{nullptr};
    SlirpTimerId id{};
    void* callback_opaque{nullptr};
    std::unique_ptr<Timer> timer;
    bool freed{false};
};

// The C callbacks libslirp calls, all on the IoThread from inside a slirp call.
struct SlirpBackend::Hooks {
    static SlirpBackend* self(void* opaque) { return static_cast<SlirpBackend*>(opaque); }

    static ssize_t send_packet(const void* buf, size_t len, void* opaque) {
        self(opaque)->deliver(std::span(static_cast<const u8*>(buf), len));
        return static_cast<ssize_t>(len);
    }

    static void guest_error(const char* msg, void* opaque) {
        u64 count = ++self(opaque)->m_guest_errors;
        if (log::worth_logging(count))
            log::warn("slirp: guest error: {} (#{})", msg, count);
    }

    static int64_t clock_get_ns(void*) { return static_cast<int64_t>(monotonic_ns()); }

    static SlirpTimer* make_timer(SlirpBackend* b) {
        auto* t = new SlirpTimer;
        t->owner = b;
        auto timer = Timer::create(b->m_io->loop(), [t] {
            if (t->freed)
                return;
            SlirpBackend* owner = t->owner;
            if (t->callback)
                t->callback(t->callback_opaque);
            else
                slirp_handle_timer(owner->m_slirp, t->id, t->callback_opaque);
            owner->update_watch();
        });
        if (timer)
            t->timer = std::move(*timer);
        else
            log::warn("slirp: cannot create a timer: {}", timer.error().message());
        b->m_timers.insert(t);
        return t;
    }

    static void* timer_new(SlirpTimerCb cb, void* cb_opaque, void* opaque) {
        SlirpTimer* t = make_timer(self(opaque));
        t->callback = cb;
        t->callback_opaque = cb_opaque;
        return t;
    }

    static void* timer_new_opaque(SlirpTimerId id, void* cb_opaque, void* opaque) {
        SlirpTimer* t = make_timer(self(opaque));
        t->id = id;
        t->callback_opaque = cb_opaque;
        return t;
    }

    static void timer_free(void* timer, void* opaque) {
        if (timer != nullptr)
            self(opaque)->free_timer(static_cast<SlirpTimer*>(timer));
    }

    // `expire_ms` is absolute, on clock_get_ns's clock in milliseconds.
    static void timer_mod(void* timer, int64_t expire_ms, void*) {
        auto* t = static_cast<SlirpTimer*>(timer);
        if (t == nullptr || !t->timer)
            return;
        const i64 delay_ns = expire_ms * 1'000'000 - static_cast<i64>(monotonic_ns());
        t->timer->arm(std::chrono::nanoseconds(std::max<i64>(delay_ns, 0)));
    }

    // A new socket: whatever we knew about this fd number belonged to a
    // closed one, whose epoll registration went away with it.
    static void register_poll_fd(int fd, void* opaque) { self(opaque)->unwatch_fd(fd); }
    static void unregister_poll_fd(int fd, void* opaque) { self(opaque)->unwatch_fd(fd); }

    // Only guest forwards (slirp_socket_can_recv) care, and Kite has none;
    // besides, the fd set is refreshed after every call into slirp anyway.
    static void notify(void*) {}
    static void init_completed(Slirp*, void*) {}

    static int add_poll(int fd, int events, void* opaque) {
        auto& entries = self(opaque)->m_entries;
        entries.push_back(PollEntry{fd, slirp_to_epoll(events), 0});
        return static_cast<int>(entries.size() - 1);
    }

    static int get_revents(int idx, void* opaque) {
        const auto& entries = self(opaque)->m_entries;
        if (idx < 0 || static_cast<std::size_t>(idx) >= entries.size())
            return 0;
        return epoll_to_slirp(entries[static_cast<std::size_t>(idx)].revents);
    }
};

namespace {

const SlirpCb kCallbacks = {
    .send_packet = &SlirpBackend::Hooks::send_packet,
    .guest_error = &SlirpBackend::Hooks::guest_error,
    .clock_get_ns = &SlirpBackend::Hooks::clock_get_ns,
    .timer_new = &SlirpBackend::Hooks::timer_new,
    .timer_free = &SlirpBackend::Hooks::timer_free,
    .timer_mod = &SlirpBackend::Hooks::timer_mod,
    .register_poll_fd = &SlirpBackend::Hooks::register_poll_fd,
    .unregister_poll_fd = &SlirpBackend::Hooks::unregister_poll_fd,
    .notify = &SlirpBackend::Hooks::notify,
    .init_completed = &SlirpBackend::Hooks::init_completed,
    .timer_new_opaque = &SlirpBackend::Hooks::timer_new_opaque,
};

} // namespace

Result<std::unique_ptr<SlirpBackend>> SlirpBackend::create(IoThread& io, SlirpOptions options) {
    std::unique_ptr<SlirpBackend> backend(new SlirpBackend(io, std::move(options)));
    Result<void> started;
    io.run_sync([&] {
        started = backend->start();
        if (!started)
            backend->stop();
    });
    if (!started)
        return std::unexpected(std::move(started).error().with_context("user networking (slirp)"));
    return backend;
}

SlirpBackend::~SlirpBackend() {
    m_io->run_sync([this] { stop(); });
}

Result<void> SlirpBackend::start() {
    m_epoll = UniqueFd(::epoll_create1(EPOLL_CLOEXEC));
    if (!m_epoll)
        return errno_error("epoll_create1");
    m_poll_timer = TRY(Timer::create(m_io->loop(), [this] { poll_sockets(); }));

    SlirpConfig cfg{};
    cfg.version = 4;
    cfg.restricted = m_options.restricted ? 1 : 0;
    cfg.in_enabled = true;
    cfg.vnetwork = to_in_addr(kNetwork);
    cfg.vnetmask = to_in_addr(kNetmask);
    cfg.vhost = to_in_addr(kHost);
    cfg.vdhcp_start = to_in_addr(kDhcpStart);
    cfg.vnameserver = to_in_addr(kNameserver);
    cfg.in6_enabled = m_options.ipv6;
    cfg.vprefix_addr6 = to_in6_addr("fec0::");
    cfg.vprefix_len = 64;
    cfg.vhost6 = to_in6_addr("fec0::2");
    cfg.vnameserver6 = to_in6_addr("fec0::3");
    cfg.vhostname = m_options.hostname.empty() ? nullptr : m_options.hostname.c_str();
    cfg.if_mtu = 0; // slirp's default, 1500
    cfg.if_mru = 0;
    cfg.disable_host_loopback = false;
    cfg.enable_emu = false;
    m_slirp = slirp_new(&cfg, &kCallbacks, this);
    if (m_slirp == nullptr)
        return error("slirp_new failed");

    for (const HostForward& fwd : m_options.hostfwds)
        TRY(add_hostfwd(fwd));

    TRY(m_io->add(m_epoll.get(), EPOLLIN, [this](u32) { poll_sockets(); }));
    update_watch();
    log::debug("slirp: {} started, {} host forward(s)", slirp_version_string(), m_options.hostfwds.size());
    return {};
}

void SlirpBackend::stop() {
    m_stopping = true;
    if (m_epoll)
        (void)m_io->remove(m_epoll.get());
    m_poll_timer.reset();
    if (m_slirp != nullptr) {
        slirp_cleanup(m_slirp); // frees its timers and closes its sockets through the hooks
        m_slirp = nullptr;
    }
    while (!m_timers.empty())
        free_timer(*m_timers.begin());
    m_watched.clear();
    m_entries.clear();
    m_epoll.reset();
    m_callback = {};
    m_queue.clear();
}

void SlirpBackend::free_timer(SlirpTimer* t) {
    m_timers.erase(t);
    t->freed = true;
    if (t->timer)
        t->timer->disarm();
    if (m_stopping) {
        delete t;
        return;
    }
    // slirp may free a timer from inside that timer's own callback: destroy
    // it (and its Kite Timer) later, outside any callback.
    m_io->post([doomed = std::shared_ptr<SlirpTimer>(t)] {});
}

Result<void> SlirpBackend::add_hostfwd(const HostForward& fwd) {
    const Ipv4Address guest = fwd.guest_addr.value_or(kDhcpStart);
    const u32 net = kNetwork.value();
    const u32 mask = kNetmask.value();
    if ((guest.value() & mask) != net || guest == kNetwork || guest == kHost || guest == kNameserver ||
        guest.value() == (net | ~mask))
        return error("hostfwd {}: guest address {} is not a guest address in {}/24", fwd.to_string(),
                     guest.to_string(), kNetwork.to_string());
    const int is_udp = fwd.protocol == HostForward::Protocol::Udp ? 1 : 0;
    errno = 0;
    if (slirp_add_hostfwd(m_slirp, is_udp, to_in_addr(fwd.host_addr), fwd.host_port, to_in_addr(guest),
                          fwd.guest_port) < 0) {
        const int err = errno;
        auto what = fmt::format("hostfwd {}: cannot listen on host {}:{} (port in use?)", fwd.to_string(),
                                fwd.host_addr.to_string(), fwd.host_port);
        if (err != 0)
            return std::unexpected(Error::from_errno(std::move(what), err));
        return std::unexpected(Error::format("{}", what));
    }
    return {};
}

void SlirpBackend::set_receive_callback(ReceiveCallback callback) {
    m_callback = std::move(callback);
    if (!m_callback) {
        m_queue.clear();
        m_paused = false;
    }
}

void SlirpBackend::deliver(std::span<const u8> frame) {
    if (!m_callback)
        return;
    if (!m_paused) {
        switch (m_callback(frame)) {
        case RxStatus::Accepted:
            return;
        case RxStatus::NoBuffers:
            m_paused = true;
            break;
        }
    }
    if (m_queue.size() >= kMaxQueuedFrames) {
        ++m_frames_dropped;
        return;
    }
    m_queue.emplace_back(frame.begin(), frame.end());
}

void SlirpBackend::resume_receive() {
    if (!m_paused)
        return;
    while (!m_queue.empty() && m_callback) {
        switch (m_callback(m_queue.front())) {
        case RxStatus::Accepted:
            m_queue.pop_front();
            break;
        case RxStatus::NoBuffers:
            return; // still paused
        }
    }
    m_queue.clear();
    m_paused = false;
}

Result<void> SlirpBackend::send(std::span<const iovec> frame) {
    if (m_slirp == nullptr)
        return error("slirp is stopped");
    std::size_t total = 0;
    for (const iovec& v : frame)
        total += v.iov_len;
    if (total > kMaxFrameSize)
        return error("frame of {} bytes exceeds {}", total, kMaxFrameSize);
    const u8* data = nullptr;
    if (frame.size() == 1) {
        data = static_cast<const u8*>(frame[0].iov_base);
    } else {
        m_send_buffer.clear();
        for (const iovec& v : frame)
            m_send_buffer.insert(m_send_buffer.end(), static_cast<const u8*>(v.iov_base),
                                 static_cast<const u8*>(v.iov_base) + v.iov_len);
        data = m_send_buffer.data();
    }
    slirp_input(m_slirp, data, static_cast<int>(total));
    update_watch();
    return {};
}

void SlirpBackend::poll_sockets() {
    if (m_slirp == nullptr)
        return;
    m_ready.clear();
    if (!m_watched.empty()) {
        m_events.resize(m_watched.size());
        int n = ::epoll_wait(m_epoll.get(), m_events.data(), static_cast<int>(m_events.size()), 0);
        for (int i = 0; i < n; ++i)
            m_ready[m_events[static_cast<std::size_t>(i)].data.fd] |=
                m_events[static_cast<std::size_t>(i)].events;
    }
    for (PollEntry& e : m_entries) {
        auto it = m_ready.find(e.fd);
        e.revents = it == m_ready.end() ? 0 : it->second;
    }
    slirp_pollfds_poll(m_slirp, 0, &Hooks::get_revents, this);
    update_watch();
}

void SlirpBackend::update_watch() {
    if (m_slirp == nullptr)
        return;
    m_entries.clear();
    uint32_t timeout_ms = UINT32_MAX;
    slirp_pollfds_fill(m_slirp, &timeout_ms, &Hooks::add_poll, this);

    m_wanted.clear();
    for (const PollEntry& e : m_entries)
        if (e.events != 0) // ERR and HUP alone would be reported forever
            m_wanted[e.fd] |= e.events;
    for (auto it = m_watched.begin(); it != m_watched.end();) {
        if (m_wanted.contains(it->first)) {
            ++it;
            continue;
        }
        (void)::epoll_ctl(m_epoll.get(), EPOLL_CTL_DEL, it->first, nullptr); // may be closed already
        it = m_watched.erase(it);
    }
    for (const auto& [fd, events] : m_wanted)
        watch_fd(fd, events);

    if (timeout_ms == UINT32_MAX)
        m_poll_timer->disarm();
    else
        m_poll_timer->arm(std::chrono::milliseconds(timeout_ms));
}

void SlirpBackend::watch_fd(int fd, u32 events) {
    auto it = m_watched.find(fd);
    if (it != m_watched.end() && it->second == events)
        return;
    epoll_event ev{};
    ev.events = events;
    ev.data.fd = fd;
    int op = it == m_watched.end() ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
    int r = ::epoll_ctl(m_epoll.get(), op, fd, &ev);
    if (r != 0 && op == EPOLL_CTL_ADD && errno == EEXIST)
        r = ::epoll_ctl(m_epoll.get(), EPOLL_CTL_MOD, fd, &ev);
    else if (r != 0 && op == EPOLL_CTL_MOD && errno == ENOENT)
        r = ::epoll_ctl(m_epoll.get(), EPOLL_CTL_ADD, fd, &ev);
    if (r != 0) {
        log::warn("slirp: cannot watch socket {}: {}", fd, Error::from_errno("epoll_ctl").message());
        if (it != m_watched.end())
            m_watched.erase(it);
        return;
    }
    m_watched[fd] = events;
}

void SlirpBackend::unwatch_fd(int fd) {
    auto it = m_watched.find(fd);
    if (it == m_watched.end())
        return;
    (void)::epoll_ctl(m_epoll.get(), EPOLL_CTL_DEL, fd, nullptr);
    m_watched.erase(it);
}

} // namespace kite::net
