#pragma once

#include "base/error.h"
#include "base/types.h"
#include "base/unique_fd.h"

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace kite {

// A small epoll loop for host-side events (terminal input, signals, stop
// requests, device I/O). Callbacks run on the thread that calls
// run_once()/run(). add(), remove(), post() and stop() may be called from any
// thread, including from a callback.
class EventLoop {
public:
    using Callback = std::function<void(u32 epoll_events)>;

    static Result<EventLoop> create();

    EventLoop(EventLoop&& other) noexcept;
    EventLoop& operator=(EventLoop&&) = delete;

    // Watches `fd` (not owned) for `events` (EPOLLIN, ...).
    Result<void> add(int fd, u32 events, Callback callback);
    Result<void> remove(int fd);
    // Runs `fn` on the loop's thread during a later run_once(), in post order.
    void post(std::function<void()> fn);

    // Waits up to timeout_ms (-1: forever) and dispatches ready callbacks.
    Result<void> run_once(int timeout_ms);
    // Dispatches until stop() is called (from a callback or another thread).
    Result<void> run();
    void stop();

private:
    EventLoop(UniqueFd epoll, UniqueFd wake) : m_epoll(std::move(epoll)), m_wake(std::move(wake)) {}

    void wake() const;
    void run_posted();

    UniqueFd m_epoll;
    UniqueFd m_wake; // eventfd that stop() and post() write so a blocked epoll_wait returns
    std::mutex m_mutex; // guards m_callbacks and m_posted
    // shared_ptr so a callback may remove itself while it runs.
    std::map<int, std::shared_ptr<Callback>> m_callbacks;
    std::vector<std::function<void()>> m_posted;
    std::atomic<bool> m_stopped{false};
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
