#pragma once

#include "base/error.h"
#include "base/types.h"
#include "base/unique_fd.h"

#include <functional>
#include <map>
#include <memory>

namespace kite {

// A small epoll loop for host-side events (terminal input, signals, stop
// requests). Callbacks run on the thread that calls run_once()/run().
class EventLoop {
public:
    using Callback = std::function<void(u32 epoll_events)>;

    static Result<EventLoop> create();

    EventLoop(EventLoop&&) = default;
    EventLoop& operator=(EventLoop&&) = default;

    // Watches `fd` (not owned) for `events` (EPOLLIN, ...).
    Result<void> add(int fd, u32 events, Callback callback);
    Result<void> remove(int fd);

    // Waits up to timeout_ms (-1: forever) and dispatches ready callbacks.
    Result<void> run_once(int timeout_ms);
    // Dispatches until stop() is called (from a callback or another thread).
    Result<void> run();
    void stop();

private:
    EventLoop(UniqueFd epoll, UniqueFd wake) : m_epoll(std::move(epoll)), m_wake(std::move(wake)) {}

    UniqueFd m_epoll;
    UniqueFd m_wake; // eventfd that stop() writes so a blocked epoll_wait returns
    // shared_ptr so a callback may remove itself while it runs.
    std::map<int, std::shared_ptr<Callback>> m_callbacks;
    bool m_stopped{false};
};

// An eventfd used as a cross-thread wake-up or counter.
class EventFd {
public:
    static Result<EventFd> create();
    int fd() const { return m_fd.get(); }
    void signal() const;
    // Reads and resets the counter; 0 when nothing was signalled.
    u64 consume() const;

private:
    explicit EventFd(UniqueFd fd) : m_fd(std::move(fd)) {}
    UniqueFd m_fd;
};

} // namespace kite
