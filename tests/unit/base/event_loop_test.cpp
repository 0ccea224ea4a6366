#include "event/event_loop.h"

#include <gtest/gtest.h>
#include <sys/epoll.h>
#include <thread>

using namespace kite;

TEST(EventLoop, DispatchesReadyFdAndStopsFromAnotherThread) {
    auto loop = EventLoop::create();
    ASSERT_TRUE(loop);
    auto efd = EventFd::create();
    ASSERT_TRUE(efd);
    int calls = 0;
    ASSERT_TRUE(loop->add(efd->fd(), EPOLLIN, [&](u32) {
        calls += static_cast<int>(efd->consume());
        loop->stop();
    }));
    std::thread t([&] { efd->signal(); });
    ASSERT_TRUE(loop->run());
    t.join();
    EXPECT_EQ(calls, 1);
}

TEST(EventLoop, RunOnceTimesOut) {
    auto loop = EventLoop::create();
    ASSERT_TRUE(loop);
    EXPECT_TRUE(loop->run_once(1));
}
