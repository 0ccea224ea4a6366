#include "event/io_thread.h"

#include "base/log.h"
#include "base/thread_name.h"

#include <future>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

namespace kite {

Result<std::unique_ptr<IoThread>> IoThread::start(std::string name) {
    auto loop = TRY(EventLoop::create());
    std::unique_ptr<IoThread> io(new IoThread(std::make_unique<EventLoop>(std::move(loop))));
    EventLoop* l = io->m_loop.get();
    io->m_thread = std::thread([l, name = std::move(name)] {
        set_current_thread_name(name);
        if (auto r = l->run(); !r)
            log::warn("{}: event loop failed: {}", name, r.error().message());
    });
    return io;
}

IoThread::~IoThread() { stop(); }

void IoThread::stop() {
    if (!m_thread.joinable())
        return;
    m_loop->stop();
    m_thread.join();
}

void IoThread::run_sync(const std::function<void()>& fn) {
    if (on_thread() || !m_thread.joinable()) {
        fn();
        return;
    }
    std::promise<void> done;
    auto finished = done.get_future();
    post([&] {
        fn();
        done.set_value();
    });
    finished.wait();
}

Result<std::unique_ptr<Timer>> Timer::create(EventLoop& loop, Callback cb) {
    UniqueFd fd(::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK));
    if (!fd)
        return errno_error("timerfd_create");
    std::unique_ptr<Timer> timer(new Timer(loop, std::move(fd), std::move(cb)));
    Timer* t = timer.get();
    TRY(loop.add(t->m_fd.get(), EPOLLIN, [t](u32) {
        u64 expirations = 0;
        if (::read(t->m_fd.get(), &expirations, sizeof(expirations)) == sizeof(expirations) && expirations > 0)
            t->m_cb();
    }));
    return timer;
}

Timer::~Timer() {
    disarm();
    (void)m_loop->remove(m_fd.get());
}

static timespec to_timespec(std::chrono::nanoseconds ns) {
    auto count = ns.count() < 0 ? 0 : ns.count();
    return timespec{static_cast<time_t>(count / 1'000'000'000), static_cast<long>(count % 1'000'000'000)};
}

void Timer::arm(std::chrono::nanoseconds delay, std::chrono::nanoseconds period) {
    itimerspec spec{};
    spec.it_value = to_timespec(delay);
    // An all-zero it_value disarms: fire after 1 ns instead.
    if (spec.it_value.tv_sec == 0 && spec.it_value.tv_nsec == 0)
        spec.it_value.tv_nsec = 1;
    spec.it_interval = to_timespec(period);
    ::timerfd_settime(m_fd.get(), 0, &spec, nullptr);
}

void Timer::disarm() {
    itimerspec spec{};
    ::timerfd_settime(m_fd.get(), 0, &spec, nullptr);
}

} // namespace kite
