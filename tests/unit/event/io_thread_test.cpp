#include "event/io_thread.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <sys/epoll.h>
#include <thread>

using namespace kite;
using namespace std::chrono_literals;

TEST(IoThread, RunsPostedWorkInOrderOnItsThread) {
    auto io = IoThread::start("kite-io-test");
    ASSERT_TRUE(io);
    std::vector<int> order;
    std::promise<std::thread::id> where;
    for (int i = 0; i < 100; ++i)
        (*io)->post([&order, i] { order.push_back(i); });
    (*io)->post([&] { where.set_value(std::this_thread::get_id()); });
    auto id = where.get_future().get();
    EXPECT_NE(id, std::this_thread::get_id());
    ASSERT_EQ(order.size(), 100u);
    for (int i = 0; i < 100; ++i)
        EXPECT_EQ(order[i], i);
}

TEST(IoThread, RunSyncWaitsAndWorksOnTheThreadItself) {
    auto io = IoThread::start();
    ASSERT_TRUE(io);
    int value = 0;
    (*io)->run_sync([&] {
        EXPECT_TRUE((*io)->on_thread());
        (*io)->run_sync([&] { value = 42; }); // nested: runs directly
    });
    EXPECT_EQ(value, 42);
}

TEST(IoThread, DispatchesFdEventsAndTimers) {
    auto io = IoThread::start();
    ASSERT_TRUE(io);
    auto efd = EventFd::create();
    ASSERT_TRUE(efd);
    std::promise<u64> got;
    ASSERT_TRUE((*io)->add(efd->fd(), EPOLLIN, [&](u32) { got.set_value(efd->consume()); }));
    efd->signal();
    EXPECT_EQ(got.get_future().get(), 1u);
    (*io)->run_sync([&] { ASSERT_TRUE((*io)->remove(efd->fd())); });

    std::atomic<int> fired{0};
    std::unique_ptr<Timer> timer;
    (*io)->run_sync([&] {
        auto t = Timer::create((*io)->loop(), [&] { ++fired; });
        ASSERT_TRUE(t);
        timer = std::move(*t);
    });
    timer->arm(1ms, 1ms);
    for (int i = 0; i < 1000 && fired < 3; ++i)
        std::this_thread::sleep_for(1ms);
    EXPECT_GE(fired.load(), 3);
    (*io)->run_sync([&] { timer.reset(); });
}

TEST(IoThread, StopsPromptlyEvenRightAfterStart) {
    for (int i = 0; i < 20; ++i) {
        auto io = IoThread::start();
        ASSERT_TRUE(io);
        io->reset(); // destructor stops and joins
    }
}
