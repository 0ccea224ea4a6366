#include "base/clock.h"
#include "devices/clint/clint.h"
#include "mmio.h"

#include <atomic>
#include <gtest/gtest.h>
#include <thread>
#include <utility>
#include <vector>

namespace kite::devices {
namespace {

using test::read32;
using test::read64;
using test::write32;
using test::write64;

constexpr u64 kStartNs = 5'000'000'000; // the fake clock's value at construction

constexpr u64 msip(u32 hart) {
    return Clint::kMsipBase + 4 * hart;
}
constexpr u64 mtimecmp(u32 hart) {
    return Clint::kMtimecmpBase + 8 * hart;
}

using Event = std::pair<u32, bool>;

class ClintTest : public ::testing::Test {
protected:
    u64 now_ns = kStartNs;
    std::vector<Event> msip_events;
    std::vector<Event> mtip_events;
    Clint clint{2, [this] { return now_ns; },
                ClintOutputs{
                    .msip = [this](u32 hart, bool level) { msip_events.emplace_back(hart, level); },
                    .mtip = [this](u32 hart, bool level) { mtip_events.emplace_back(hart, level); },
                }};

    void advance_ticks(u64 ticks) { now_ns += ticks * Clint::kNsPerTick; }
};

TEST_F(ClintTest, ResetState) {
    EXPECT_EQ(clint.hart_count(), 2u);
    EXPECT_EQ(clint.mtime(), 0u);
    EXPECT_EQ(read64(clint, Clint::kMtime), 0u);
    for (u32 hart = 0; hart < 2; ++hart) {
        EXPECT_EQ(read32(clint, msip(hart)), 0u);
        EXPECT_EQ(read64(clint, mtimecmp(hart)), ~u64{0});
        EXPECT_FALSE(clint.msip_level(hart));
        EXPECT_FALSE(clint.mtip_level(hart));
    }
    clint.update();
    EXPECT_TRUE(mtip_events.empty());
    EXPECT_FALSE(clint.next_deadline_ns().has_value());
}

TEST_F(ClintTest, MsipPerHart) {
    write32(clint, msip(1), 1);
    EXPECT_EQ(msip_events, (std::vector<Event>{{1, true}}));
    EXPECT_EQ(read32(clint, msip(1)), 1u);
    EXPECT_EQ(read32(clint, msip(0)), 0u);
    EXPECT_TRUE(clint.msip_level(1));
    EXPECT_FALSE(clint.msip_level(0));

    // Only bit 0 is implemented; rewriting the same level is not a new edge.
    write32(clint, msip(0), 0xFFFF'FFFE);
    write32(clint, msip(1), 0xFFFF'FFFF);
    EXPECT_EQ(read32(clint, msip(1)), 1u);
    EXPECT_EQ(read32(clint, msip(0)), 0u);
    EXPECT_EQ(msip_events.size(), 1u);

    write32(clint, msip(0), 1);
    write32(clint, msip(1), 0);
    EXPECT_EQ(msip_events, (std::vector<Event>{{1, true}, {0, true}, {1, false}}));
    EXPECT_TRUE(mtip_events.empty());
}

TEST_F(ClintTest, Mtimecmp64BitAndHalves) {
    write64(clint, mtimecmp(0), 0x1122'3344'5566'7788);
    EXPECT_EQ(read64(clint, mtimecmp(0)), 0x1122'3344'5566'7788u);
    EXPECT_EQ(read32(clint, mtimecmp(0)), 0x5566'7788u);
    EXPECT_EQ(read32(clint, mtimecmp(0) + 4), 0x1122'3344u);
    EXPECT_EQ(read64(clint, mtimecmp(1)), ~u64{0}); // other hart untouched

    // The RV32 sequence: high half to all-ones first, then low, then high.
    write32(clint, mtimecmp(1) + 4, 0xFFFF'FFFF);
    write32(clint, mtimecmp(1), 0xCAFE'0000);
    write32(clint, mtimecmp(1) + 4, 0x0000'0002);
    EXPECT_EQ(read64(clint, mtimecmp(1)), 0x0000'0002'CAFE'0000u);
    EXPECT_EQ(clint.mtimecmp(1), 0x0000'0002'CAFE'0000u);
    EXPECT_TRUE(mtip_events.empty());
}

TEST_F(ClintTest, MtipFollowsClockAndCompare) {
    write64(clint, mtimecmp(0), 1000);
    EXPECT_TRUE(mtip_events.empty());

    advance_ticks(999);
    now_ns += Clint::kNsPerTick - 1; // just short of tick 1000
    EXPECT_EQ(clint.mtime(), 999u);
    clint.update();
    EXPECT_FALSE(clint.mtip_level(0));

    now_ns += 1;
    EXPECT_EQ(clint.mtime(), 1000u);
    EXPECT_FALSE(clint.mtip_level(0)); // time alone does not raise it
    clint.update();
    EXPECT_TRUE(clint.mtip_level(0));
    EXPECT_FALSE(clint.mtip_level(1));
    EXPECT_EQ(mtip_events, (std::vector<Event>{{0, true}}));
    clint.update(); // no new edge
    EXPECT_EQ(mtip_events.size(), 1u);

    // Moving the compare value ahead clears it at once.
    write64(clint, mtimecmp(0), 2000);
    EXPECT_FALSE(clint.mtip_level(0));
    EXPECT_EQ(mtip_events, (std::vector<Event>{{0, true}, {0, false}}));

    // A compare value already in the past raises it at once, without update().
    write32(clint, mtimecmp(1), 10);
    write32(clint, mtimecmp(1) + 4, 0);
    EXPECT_TRUE(clint.mtip_level(1));
    EXPECT_EQ(mtip_events.back(), (Event{1, true}));
}

TEST_F(ClintTest, MtimeWrite) {
    advance_ticks(123);
    EXPECT_EQ(read64(clint, Clint::kMtime), 123u);

    write64(clint, Clint::kMtime, 5000);
    EXPECT_EQ(clint.mtime(), 5000u);
    advance_ticks(10);
    EXPECT_EQ(read64(clint, Clint::kMtime), 5010u);
    EXPECT_EQ(read32(clint, Clint::kMtime), 5010u);
    EXPECT_EQ(read32(clint, Clint::kMtime + 4), 0u);

    // Halves: the high word alone keeps the running low word.
    write32(clint, Clint::kMtime + 4, 1);
    EXPECT_EQ(clint.mtime(), (u64{1} << 32) | 5010);
    write32(clint, Clint::kMtime, 7);
    EXPECT_EQ(clint.mtime(), (u64{1} << 32) | 7);

    // Moving mtime past a compare value raises MTIP; moving it back lowers it.
    write64(clint, Clint::kMtime, 0);
    write64(clint, mtimecmp(1), 100);
    EXPECT_FALSE(clint.mtip_level(1));
    write64(clint, Clint::kMtime, 100);
    EXPECT_TRUE(clint.mtip_level(1));
    write64(clint, Clint::kMtime, 99);
    EXPECT_FALSE(clint.mtip_level(1));
    EXPECT_EQ(mtip_events, (std::vector<Event>{{1, true}, {1, false}}));
}

TEST_F(ClintTest, NextDeadline) {
    write64(clint, mtimecmp(0), 1000);
    write64(clint, mtimecmp(1), 500);
    EXPECT_EQ(clint.next_deadline_ns(), kStartNs + 500 * Clint::kNsPerTick);

    // Partway through a tick, the deadline is still the start of the target tick.
    now_ns += 50;
    EXPECT_EQ(clint.next_deadline_ns(), kStartNs + 500 * Clint::kNsPerTick);

    // Due but not yet raised: now.
    now_ns = kStartNs + 600 * Clint::kNsPerTick;
    EXPECT_EQ(clint.next_deadline_ns(), now_ns);

    // Once raised, that hart waits for the guest, not for time.
    clint.update();
    EXPECT_TRUE(clint.mtip_level(1));
    EXPECT_EQ(clint.next_deadline_ns(), kStartNs + 1000 * Clint::kNsPerTick);

    // A write to mtime moves the deadline with it.
    write64(clint, Clint::kMtime, 900);
    EXPECT_EQ(clint.next_deadline_ns(), now_ns + 100 * Clint::kNsPerTick);

    // Deadlines beyond the clock's range never come.
    write64(clint, mtimecmp(0), ~u64{0} - 1);
    EXPECT_FALSE(clint.next_deadline_ns().has_value());
}

TEST_F(ClintTest, DefaultClockRuns) {
    Clint real(1, {}, {});
    u64 first = real.mtime();
    u64 host_before = monotonic_ns();
    while (monotonic_ns() - host_before < 2 * Clint::kNsPerTick) {
    }
    EXPECT_GT(real.mtime(), first);
}

TEST(ClintThreads, GuestWritesRaceTimerThread) {
    std::atomic<u32> timer_edges{0};
    Clint clint(2, {}, ClintOutputs{.msip = {}, .mtip = [&](u32, bool) {
                                        timer_edges.fetch_add(1, std::memory_order_relaxed);
                                    }});
    std::atomic<bool> stop{false};
    // The board's timer thread: update() and deadline queries while harts program timers.
    std::thread timer([&] {
        while (!stop.load()) {
            clint.update();
            (void)clint.next_deadline_ns();
            (void)clint.mtime();
        }
    });
    std::thread hart([&] {
        for (u64 i = 0; i < 20000; ++i) {
            write64(clint, mtimecmp(i % 2), i % 3 == 0 ? 0 : ~u64{0});
            write32(clint, msip(i % 2), static_cast<u32>(i & 1));
        }
        write64(clint, mtimecmp(0), ~u64{0});
        write64(clint, mtimecmp(1), ~u64{0});
    });
    hart.join();
    stop = true;
    timer.join();
    EXPECT_FALSE(clint.mtip_level(0));
    EXPECT_FALSE(clint.mtip_level(1));
    EXPECT_GT(timer_edges.load(), 0u);
}

TEST_F(ClintTest, InvalidAccessesIgnored) {
    test::write_n<2>(clint, msip(0), 1); // too narrow
    test::write_n<8>(clint, msip(0), 1); // msip is 32-bit only
    test::write_n<1>(clint, msip(0), 1);
    write32(clint, msip(2), 1);            // no hart 2
    write32(clint, mtimecmp(0) + 2, 5);    // misaligned
    write64(clint, mtimecmp(0) + 4, 5);    // 8-byte access to the high half
    write64(clint, mtimecmp(2), 5);        // no hart 2
    write32(clint, Clint::kMtime - 8, 1);  // reserved
    write32(clint, Clint::kLength - 4, 1); // past mtime
    EXPECT_EQ(clint.ignored_access_count(), 9u);
    EXPECT_TRUE(msip_events.empty());
    EXPECT_TRUE(mtip_events.empty());
    EXPECT_EQ(read64(clint, mtimecmp(0)), ~u64{0});
    EXPECT_EQ(clint.mtime(), 0u);

    EXPECT_EQ(test::read_n<2>(clint, msip(0)), 0u);
    EXPECT_EQ(read32(clint, msip(2)), 0u);
    EXPECT_EQ(test::read_n<8>(clint, mtimecmp(0) + 4), 0u);
    EXPECT_EQ(clint.ignored_access_count(), 12u);
}

} // namespace
} // namespace kite::devices
