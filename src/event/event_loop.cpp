#include "event/event_loop.h"

#include <cerrno>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace kite {

Result<EventFd> EventFd::create() {
    UniqueFd fd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!fd)
        return errno_error("eventfd");
    return EventFd(std::move(fd));
}

void EventFd::signal() const {
    u64 one = 1;
    [[maybe_unused]] auto n = ::write(m_fd.get(), &one, sizeof(one));
}

u64 EventFd::consume() const {
    u64 value = 0;
    if (::read(m_fd.get(), &value, sizeof(value)) != sizeof(value))
        return 0;
    return value;
}

Result<EventLoop> EventLoop::create() {
    UniqueFd epoll(::epoll_create1(EPOLL_CLOEXEC));
    if (!epoll)
        return errno_error("epoll_create1");
    UniqueFd wake(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!wake)
        return errno_error("eventfd");
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = wake.get();
    if (::epoll_ctl(epoll.get(), EPOLL_CTL_ADD, wake.get(), &ev) != 0)
        return errno_error("epoll_ctl add wake eventfd");
    return EventLoop(std::move(epoll), std::move(wake));
}

EventLoop::EventLoop(EventLoop&& other) noexcept
    : m_epoll(std::move(other.m_epoll)), m_wake(std::move(other.m_wake)),
      m_callbacks(std::move(other.m_callbacks)), m_posted(std::move(other.m_posted)),
      m_stopped(other.m_stopped.load()) {}

Result<void> EventLoop::add(int fd, u32 events, Callback callback) {
    // Registered before epoll can report the fd, so a ready event finds it.
    {
        std::lock_guard lock(m_mutex);
        m_callbacks[fd] = std::make_shared<Callback>(std::move(callback));
    }
    epoll_event ev{};
    ev.events = events;
    ev.data.fd = fd;
    if (::epoll_ctl(m_epoll.get(), EPOLL_CTL_ADD, fd, &ev) != 0) {
        auto e = errno_error(fmt::format("epoll_ctl add fd {}", fd));
        std::lock_guard lock(m_mutex);
        m_callbacks.erase(fd);
        return e;
    }
    return {};
}

Result<void> EventLoop::remove(int fd) {
    {
        std::lock_guard lock(m_mutex);
        m_callbacks.erase(fd);
    }
    if (::epoll_ctl(m_epoll.get(), EPOLL_CTL_DEL, fd, nullptr) != 0)
        return errno_error(fmt::format("epoll_ctl del fd {}", fd));
    return {};
}

Result<void> EventLoop::run_once(int timeout_ms) {
    epoll_event events[16];
    int n = ::epoll_wait(m_epoll.get(), events, 16, timeout_ms);
    if (n < 0) {
        if (errno == EINTR)
            return {};
        return errno_error("epoll_wait");
    }
    for (int i = 0; i < n; ++i) {
        int fd = events[i].data.fd;
        if (fd == m_wake.get()) {
            u64 value;
            [[maybe_unused]] auto r = ::read(fd, &value, sizeof(value));
            run_posted();
            continue;
        }
        std::shared_ptr<Callback> callback; // keeps it alive if it removes itself
        {
            std::lock_guard lock(m_mutex);
            auto it = m_callbacks.find(fd);
            if (it == m_callbacks.end())
                continue;
            callback = it->second;
        }
        (*callback)(events[i].events);
    }
    return {};
}

void EventLoop::post(std::function<void()> fn) {
    {
        std::lock_guard lock(m_mutex);
        m_posted.push_back(std::move(fn));
    }
    wake();
}

void EventLoop::run_posted() {
    std::vector<std::function<void()>> batch;
    {
        std::lock_guard lock(m_mutex);
        batch.swap(m_posted);
    }
    for (auto& fn : batch)
        fn();
}

void EventLoop::wake() const {
    u64 one = 1;
    [[maybe_unused]] auto n = ::write(m_wake.get(), &one, sizeof(one));
}

Result<void> EventLoop::run() {
    while (!m_stopped)
        TRY(run_once(-1));
    return {};
}

void EventLoop::stop() {
    m_stopped = true;
    wake();
}

} // namespace kite
