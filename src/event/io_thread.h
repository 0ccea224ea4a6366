#pragma once

#include "base/error.h"
#include "base/types.h"
#include "base/unique_fd.h"
#include "event/event_loop.h"

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

namespace kite {

// The host-side I/O thread (`kite-io`): one EventLoop that serves every
// device's host events (disk completions, tap and slirp sockets, timers,
// console input). vCPU threads never block on host I/O: they queue work (post,
// an eventfd, an io_uring submission) and the completion runs here, where the
// device takes its own lock to push used buffers and raise interrupts.
//
// Thread-safe: post(), add(), remove() and Timer calls may come from any
// thread. Callbacks run on the I/O thread, one at a time.
class IoThread {
public:
    static Result<std::unique_ptr<IoThread>> start(std::string name = "kite-io");
    // Stops the loop and joins the thread; posted work not yet run is dropped.
    ~IoThread();
    IoThread(const IoThread&) = delete;
    IoThread& operator=(const IoThread&) = delete;

    EventLoop& loop() { return *m_loop; }
    void post(std::function<void()> fn) { m_loop->post(std::move(fn)); }
    Result<void> add(int fd, u32 events, EventLoop::Callback cb) { return m_loop->add(fd, events, std::move(cb)); }
    Result<void> remove(int fd) { return m_loop->remove(fd); }
    bool on_thread() const { return std::this_thread::get_id() == m_thread.get_id(); }
    // Runs fn on the I/O thread and waits for it (runs it directly when
    // called on the I/O thread). For setup and teardown, not hot paths.
    void run_sync(const std::function<void()>& fn);
    // Stops the loop and joins the thread (idempotent).
    void stop();

private:
    explicit IoThread(std::unique_ptr<EventLoop> loop) : m_loop(std::move(loop)) {}
    std::unique_ptr<EventLoop> m_loop;
    std::thread m_thread;
};

// A one-shot or periodic timer whose callback runs on an EventLoop (a timerfd
// on CLOCK_MONOTONIC). Disarmed and unregistered on destruction.
class Timer {
public:
    using Callback = std::function<void()>;
    static Result<std::unique_ptr<Timer>> create(EventLoop& loop, Callback cb);
    ~Timer();
    Timer(const Timer&) = delete;
    Timer& operator=(const Timer&) = delete;

    // Fires once after `delay` (0 fires as soon as possible), then every
    // `period` if non-zero. Re-arming replaces the previous setting.
    void arm(std::chrono::nanoseconds delay, std::chrono::nanoseconds period = {});
    void disarm();

private:
    Timer(EventLoop& loop, UniqueFd fd, Callback cb) : m_loop(&loop), m_fd(std::move(fd)), m_cb(std::move(cb)) {}
    EventLoop* m_loop;
    UniqueFd m_fd;
    Callback m_cb;
};

} // namespace kite
