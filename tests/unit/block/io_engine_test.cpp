#include "block/disk_image.h"
#include "block/io_engine.h"
#include "temp_file.h"

#include <atomic>
#include <filesystem>
#include <future>
#include <gtest/gtest.h>
#include <numeric>
#include <thread>

namespace kite::block {
namespace {

using Backend = IoEngine::Backend;
using testing::TempFile;

constexpr u64 kImageSize = 1 * MiB;

std::vector<u8> pattern(std::size_t len, u8 seed) {
    std::vector<u8> v(len);
    for (std::size_t i = 0; i < len; ++i)
        v[i] = static_cast<u8>(seed + i * 7 + (i >> 9));
    return v;
}

iovec iov_of(std::span<u8> bytes) {
    return iovec{bytes.data(), bytes.size()};
}

// Each test runs against both backends; io_uring tests are skipped where the
// kernel refuses io_uring.
class IoEngineTest : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override {
        auto started = IoThread::start("kite-io-test");
        ASSERT_TRUE(started);
        io = std::move(*started);
        reopen(false);
    }

    void reopen(bool readonly, u32 depth = 32) {
        engine.reset();
        image.reset();
        auto opened = DiskImage::open(file.path(), readonly);
        ASSERT_TRUE(opened) << opened.error().message();
        image.emplace(std::move(*opened));
        auto created = IoEngine::create(*io, image->fd(), GetParam(), depth);
        if (!created && GetParam() == Backend::Uring)
            GTEST_SKIP() << "io_uring unavailable: " << created.error().message();
        ASSERT_TRUE(created) << created.error().message();
        engine = std::move(*created);
        ASSERT_EQ(engine->backend(), GetParam());
    }

    // Submits and waits; checks the callback ran on the IoThread.
    i64 run(IoRequest request) {
        std::promise<i64> result;
        auto done = result.get_future();
        request.done = [&](i64 r) {
            EXPECT_TRUE(io->on_thread());
            result.set_value(r);
        };
        engine->submit(std::move(request));
        return done.get();
    }

    i64 write(u64 offset, std::vector<u8>& bytes) {
        return run(IoRequest{.op = IoOp::Write, .offset = offset, .iov = {iov_of(bytes)}});
    }
    i64 read(u64 offset, std::vector<u8>& bytes) {
        return run(IoRequest{.op = IoOp::Read, .offset = offset, .iov = {iov_of(bytes)}});
    }

    TempFile file{kImageSize, 0xAA};
    std::unique_ptr<IoThread> io;
    std::optional<DiskImage> image;
    std::unique_ptr<IoEngine> engine;
};

TEST_P(IoEngineTest, WritesAndReadsBackThroughSeveralIovecs) {
    std::vector<u8> data = pattern(4096, 1);
    std::span<u8> all(data);
    IoRequest w{.op = IoOp::Write, .offset = 8192};
    w.iov = {iov_of(all.subspan(0, 1000)), iov_of(all.subspan(1000, 2000)), iov_of(all.subspan(3000))};
    EXPECT_EQ(run(std::move(w)), 4096);
    EXPECT_EQ(file.contents(8192, 4096), data);
    EXPECT_EQ(file.contents(8192 - 1, 1)[0], 0xAA);
    EXPECT_EQ(file.contents(8192 + 4096, 1)[0], 0xAA);

    std::vector<u8> back(4096);
    std::span<u8> b(back);
    IoRequest r{.op = IoOp::Read, .offset = 8192};
    r.iov = {iov_of(b.subspan(0, 512)), iov_of(b.subspan(512, 0)), iov_of(b.subspan(512))};
    EXPECT_EQ(run(std::move(r)), 4096);
    EXPECT_EQ(back, data);
}

TEST_P(IoEngineTest, SplitsMoreIovecsThanOneSystemCallTakes) {
    constexpr std::size_t kCount = 1500; // > IOV_MAX (1024)
    std::vector<u8> data = pattern(kCount * 512, 3);
    IoRequest w{.op = IoOp::Write, .offset = 0};
    for (std::size_t i = 0; i < kCount; ++i)
        w.iov.push_back(iovec{data.data() + i * 512, 512});
    EXPECT_EQ(run(std::move(w)), static_cast<i64>(data.size()));
    EXPECT_EQ(file.contents(0, data.size()), data);

    std::vector<u8> back(data.size());
    IoRequest r{.op = IoOp::Read, .offset = 0};
    for (std::size_t i = 0; i < kCount; ++i)
        r.iov.push_back(iovec{back.data() + i * 512, 512});
    EXPECT_EQ(run(std::move(r)), static_cast<i64>(data.size()));
    EXPECT_EQ(back, data);
}

TEST_P(IoEngineTest, FlushSucceeds) {
    std::vector<u8> data = pattern(512, 9);
    ASSERT_EQ(write(0, data), 512);
    EXPECT_EQ(run(IoRequest{.op = IoOp::Flush}), 0);
}

TEST_P(IoEngineTest, DiscardPunchesAHole) {
    EXPECT_EQ(run(IoRequest{.op = IoOp::Discard, .offset = 16 * KiB, .length = 16 * KiB}), 0);
    // ext4, xfs, btrfs and tmpfs all punch; a filesystem that cannot would keep the data.
    EXPECT_EQ(file.contents(16 * KiB, 16 * KiB), std::vector<u8>(16 * KiB, 0));
    EXPECT_EQ(file.contents(16 * KiB - 1, 1)[0], 0xAA);
    EXPECT_EQ(file.contents(32 * KiB, 1)[0], 0xAA);
    EXPECT_EQ(image->size_bytes(), kImageSize);
}

TEST_P(IoEngineTest, WriteZeroesLeavesZeroes) {
    for (bool unmap : {false, true}) {
        const u64 at = unmap ? 64 * KiB : 4 * KiB;
        EXPECT_EQ(run(IoRequest{.op = IoOp::WriteZeroes, .offset = at, .length = 3 * 512, .unmap = unmap}),
                  0);
        EXPECT_EQ(file.contents(at, 3 * 512), std::vector<u8>(3 * 512, 0)) << "unmap " << unmap;
        EXPECT_EQ(file.contents(at - 1, 1)[0], 0xAA);
        EXPECT_EQ(file.contents(at + 3 * 512, 1)[0], 0xAA);
    }
}

TEST_P(IoEngineTest, ZeroLengthRequestsComplete) {
    EXPECT_EQ(run(IoRequest{.op = IoOp::Read, .offset = 0}), 0);
    EXPECT_EQ(run(IoRequest{.op = IoOp::Discard, .offset = 0, .length = 0}), 0);
    EXPECT_EQ(run(IoRequest{.op = IoOp::WriteZeroes, .offset = 0, .length = 0}), 0);
}

TEST_P(IoEngineTest, ReadingPastTheEndIsAnError) {
    std::vector<u8> buf(1024);
    EXPECT_EQ(read(kImageSize - 512, buf), -EIO); // the first half reads, then end of file
    EXPECT_EQ(read(kImageSize, buf), -EIO);
}

TEST_P(IoEngineTest, WritingAReadOnlyImageFails) {
    ASSERT_NO_FATAL_FAILURE(reopen(true));
    if (!engine)
        return;
    std::vector<u8> data = pattern(512, 5);
    EXPECT_EQ(write(0, data), -EBADF);
    EXPECT_EQ(file.contents(0, 1)[0], 0xAA);
    std::vector<u8> back(512);
    EXPECT_EQ(read(0, back), 512);
}

TEST_P(IoEngineTest, ManySubmittersBeyondTheRingDepth) {
    ASSERT_NO_FATAL_FAILURE(reopen(false, 4));
    if (!engine)
        return;
    constexpr int kThreads = 4;
    constexpr int kPerThread = 100;
    std::vector<u8> data = pattern(kThreads * kPerThread * 512, 11);
    file.write(0, data);
    std::vector<u8> back(data.size());
    std::atomic<int> completed{0};
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kPerThread; ++i) {
                const u64 at = static_cast<u64>(t * kPerThread + i) * 512;
                engine->submit(IoRequest{.op = IoOp::Read,
                                         .offset = at,
                                         .iov = {iovec{back.data() + at, 512}},
                                         .done = [&](i64 r) {
                                             if (r != 512 || !io->on_thread())
                                                 ++wrong;
                                             ++completed;
                                         }});
            }
        });
    }
    for (auto& t : threads)
        t.join();
    engine->drain();
    EXPECT_EQ(completed.load(), kThreads * kPerThread);
    EXPECT_EQ(wrong.load(), 0);
    EXPECT_EQ(engine->in_flight(), 0u);
    EXPECT_EQ(back, data);
}

TEST_P(IoEngineTest, DestructionWaitsForEveryCallback) {
    std::vector<u8> data = pattern(64 * 512, 13);
    std::atomic<int> completed{0};
    for (int i = 0; i < 64; ++i) {
        engine->submit(IoRequest{.op = IoOp::Write,
                                 .offset = static_cast<u64>(i) * 512,
                                 .iov = {iovec{data.data() + i * 512, 512}},
                                 .done = [&](i64 r) {
                                     EXPECT_EQ(r, 512);
                                     ++completed;
                                 }});
    }
    engine.reset();
    EXPECT_EQ(completed.load(), 64);
    EXPECT_EQ(file.contents(0, data.size()), data);
}

TEST_P(IoEngineTest, CallbacksMaySubmitAndDrainWaitsForThose) {
    std::vector<u8> data = pattern(512, 17);
    std::vector<u8> back(512);
    std::atomic<int> stage{0};
    engine->submit(
        IoRequest{.op = IoOp::Write, .offset = 512, .iov = {iov_of(data)}, .done = [&](i64 r) {
                      EXPECT_EQ(r, 512);
                      stage = 1;
                      engine->submit(IoRequest{
                          .op = IoOp::Read, .offset = 512, .iov = {iov_of(back)}, .done = [&](i64 r2) {
                              EXPECT_EQ(r2, 512);
                              stage = 2;
                          }});
                  }});
    engine->drain();
    EXPECT_EQ(stage.load(), 2);
    EXPECT_EQ(back, data);
}

TEST_P(IoEngineTest, DrainsOnTheCallerOnceTheIoThreadHasStopped) {
    io->stop();
    std::vector<u8> data = pattern(8 * 512, 19);
    std::atomic<int> completed{0};
    const auto caller = std::this_thread::get_id();
    for (int i = 0; i < 8; ++i) {
        engine->submit(IoRequest{.op = IoOp::Write,
                                 .offset = static_cast<u64>(i) * 512,
                                 .iov = {iovec{data.data() + i * 512, 512}},
                                 .done = [&](i64 r) {
                                     EXPECT_EQ(r, 512);
                                     EXPECT_EQ(std::this_thread::get_id(), caller);
                                     ++completed;
                                 }});
    }
    engine.reset();
    EXPECT_EQ(completed.load(), 8);
    EXPECT_EQ(file.contents(0, data.size()), data);
}

INSTANTIATE_TEST_SUITE_P(Backends, IoEngineTest, ::testing::Values(Backend::Uring, Backend::Sync),
                         [](const auto& info) {
                             return std::string(backend_name(info.param)) == "io_uring" ? std::string("Uring")
                                                                                        : std::string("Sync");
                         });

// tmpfs punches holes but has no FALLOC_FL_ZERO_RANGE: write-zeroes falls
// back to writing zero buffers (here several 1 MiB chunks).
TEST(IoEngineFallback, WriteZeroesWritesWhereZeroRangeIsRefused) {
    if (!std::filesystem::is_directory("/dev/shm"))
        GTEST_SKIP() << "no /dev/shm";
    for (Backend backend : {Backend::Uring, Backend::Sync}) {
        TempFile file(4 * MiB, 0x55, "/dev/shm");
        auto io = IoThread::start();
        ASSERT_TRUE(io);
        auto image = DiskImage::open(file.path(), false);
        ASSERT_TRUE(image);
        auto engine = IoEngine::create(**io, image->fd(), backend);
        if (!engine)
            continue;                             // io_uring unavailable
        for (int round = 0; round < 2; ++round) { // the second skips the refused method
            const u64 at = round == 0 ? 512 : 3 * MiB + 512;
            const u64 len = round == 0 ? 2 * MiB + 1024 : 4096;
            std::promise<i64> result;
            (*engine)->submit(
                IoRequest{.op = IoOp::WriteZeroes, .offset = at, .length = len, .done = [&](i64 r) {
                              result.set_value(r);
                          }});
            EXPECT_EQ(result.get_future().get(), 0);
            EXPECT_EQ(file.contents(at, len), std::vector<u8>(len, 0));
            EXPECT_EQ(file.contents(at - 1, 1)[0], 0x55);
            EXPECT_EQ(file.contents(at + len, 1)[0], 0x55);
        }
    }
}

TEST(IoEngineAuto, PicksARealBackend) {
    TempFile file(4096);
    auto io = IoThread::start();
    ASSERT_TRUE(io);
    auto image = DiskImage::open(file.path(), true);
    ASSERT_TRUE(image);
    auto engine = IoEngine::create(**io, image->fd());
    ASSERT_TRUE(engine);
    EXPECT_NE((*engine)->backend(), Backend::Auto);
}

} // namespace
} // namespace kite::block
