#include "base/clock.h"
#include "devices/goldfish_rtc/goldfish_rtc.h"
#include "mmio.h"

#include <gtest/gtest.h>

namespace kite::devices {
namespace {

using test::read32;
using test::write32;

constexpr u64 kStartNs = 1'700'000'000'123'456'789; // 2023-11-14, as the fake wall clock

class GoldfishRtcTest : public ::testing::Test {
protected:
    u64 wall_ns = kStartNs;
    std::shared_ptr<RecordingIrqLine> irq = std::make_shared<RecordingIrqLine>();
    GoldfishRtc rtc{irq, [this] { return wall_ns; }};

    // As Linux's rtc-goldfish reads it: TIME_LOW first.
    u64 read_time() {
        u64 low = read32(rtc, GoldfishRtc::kTimeLow);
        u64 high = read32(rtc, GoldfishRtc::kTimeHigh);
        return (high << 32) | low;
    }
    void set_alarm(u64 ns) {
        write32(rtc, GoldfishRtc::kAlarmHigh, static_cast<u32>(ns >> 32));
        write32(rtc, GoldfishRtc::kAlarmLow, static_cast<u32>(ns));
    }
};

TEST_F(GoldfishRtcTest, ReadsHostTime) {
    EXPECT_EQ(read_time(), kStartNs);
    wall_ns += 1'000'000'000;
    EXPECT_EQ(read_time(), kStartNs + 1'000'000'000);
    EXPECT_EQ(rtc.guest_time_ns(), wall_ns);
    EXPECT_EQ(read32(rtc, GoldfishRtc::kAlarmStatus), 0u);
    EXPECT_EQ(read32(rtc, GoldfishRtc::kIrqEnabled), 0u);
    EXPECT_FALSE(irq->level());
}

TEST_F(GoldfishRtcTest, TimeHighIsLatchedByTimeLow) {
    wall_ns = 0x0000'0005'FFFF'FFF0;
    EXPECT_EQ(read32(rtc, GoldfishRtc::kTimeLow), 0xFFFF'FFF0u);
    wall_ns += 0x20; // the low half wraps before the high half is read
    EXPECT_EQ(read32(rtc, GoldfishRtc::kTimeHigh), 5u);
    EXPECT_EQ(read32(rtc, GoldfishRtc::kTimeHigh), 5u);
    EXPECT_EQ(read_time(), 0x0000'0006'0000'0010u);
}

TEST_F(GoldfishRtcTest, SetTime) {
    constexpr u64 kTarget = 946'684'800'000'000'000; // 2000-01-01
    // Linux writes the high half first; the running low half may carry in between.
    wall_ns = 0x0000'0007'FFFF'FFFF;
    write32(rtc, GoldfishRtc::kTimeHigh, static_cast<u32>(kTarget >> 32));
    wall_ns += 2;
    write32(rtc, GoldfishRtc::kTimeLow, static_cast<u32>(kTarget));
    EXPECT_EQ(read_time(), kTarget);
    wall_ns += 500;
    EXPECT_EQ(read_time(), kTarget + 500);

    // A lone TIME_LOW write keeps the running high half.
    write32(rtc, GoldfishRtc::kTimeLow, 0x10);
    EXPECT_EQ(read_time(), ((kTarget + 500) & ~0xFFFF'FFFFull) | 0x10);
    // A lone TIME_HIGH write keeps the running low half.
    write32(rtc, GoldfishRtc::kTimeHigh, 3);
    EXPECT_EQ(read_time(), (u64{3} << 32) | 0x10);
}

TEST_F(GoldfishRtcTest, AlarmFiresAndClears) {
    write32(rtc, GoldfishRtc::kIrqEnabled, 1);
    set_alarm(kStartNs + 1000);
    EXPECT_EQ(read32(rtc, GoldfishRtc::kAlarmStatus), 1u);
    EXPECT_EQ(read32(rtc, GoldfishRtc::kAlarmLow), static_cast<u32>(kStartNs + 1000));
    EXPECT_EQ(read32(rtc, GoldfishRtc::kAlarmHigh), static_cast<u32>((kStartNs + 1000) >> 32));
    EXPECT_EQ(rtc.time_to_alarm_ns(), 1000u);

    wall_ns += 999;
    rtc.update();
    EXPECT_FALSE(irq->level());
    EXPECT_EQ(rtc.time_to_alarm_ns(), 1u);

    wall_ns += 1;
    EXPECT_EQ(rtc.time_to_alarm_ns(), 0u);
    rtc.update();
    EXPECT_TRUE(irq->level());
    EXPECT_EQ(irq->rising_edges(), 1u);
    EXPECT_FALSE(rtc.alarm_armed());
    EXPECT_EQ(read32(rtc, GoldfishRtc::kAlarmStatus), 0u);
    EXPECT_FALSE(rtc.time_to_alarm_ns().has_value());

    write32(rtc, GoldfishRtc::kClearInterrupt, 1);
    EXPECT_FALSE(irq->level());
    rtc.update();
    EXPECT_FALSE(irq->level()); // fired once
}

TEST_F(GoldfishRtcTest, AlarmInThePastFiresAtOnce) {
    write32(rtc, GoldfishRtc::kIrqEnabled, 1);
    set_alarm(kStartNs - 1);
    EXPECT_TRUE(irq->level());
    EXPECT_EQ(read32(rtc, GoldfishRtc::kAlarmStatus), 0u);
}

TEST_F(GoldfishRtcTest, IrqEnabledGatesTheLine) {
    set_alarm(kStartNs + 10);
    wall_ns += 10;
    rtc.update();
    EXPECT_FALSE(irq->level()); // latched, not enabled
    write32(rtc, GoldfishRtc::kIrqEnabled, 1);
    EXPECT_EQ(read32(rtc, GoldfishRtc::kIrqEnabled), 1u);
    EXPECT_TRUE(irq->level());
    write32(rtc, GoldfishRtc::kIrqEnabled, 0);
    EXPECT_FALSE(irq->level());
    write32(rtc, GoldfishRtc::kClearInterrupt, 1);
    write32(rtc, GoldfishRtc::kIrqEnabled, 1);
    EXPECT_FALSE(irq->level());
}

TEST_F(GoldfishRtcTest, ClearAlarmDisarms) {
    write32(rtc, GoldfishRtc::kIrqEnabled, 1);
    set_alarm(kStartNs + 100);
    write32(rtc, GoldfishRtc::kClearAlarm, 1);
    EXPECT_EQ(read32(rtc, GoldfishRtc::kAlarmStatus), 0u);
    wall_ns += 1000;
    rtc.update();
    EXPECT_FALSE(irq->level());
}

TEST_F(GoldfishRtcTest, AlarmFollowsGuestTime) {
    write32(rtc, GoldfishRtc::kIrqEnabled, 1);
    write32(rtc, GoldfishRtc::kTimeHigh, 0);
    write32(rtc, GoldfishRtc::kTimeLow, 1000); // guest time is now 1000 ns
    set_alarm(2000);
    EXPECT_EQ(rtc.time_to_alarm_ns(), 1000u);
    wall_ns += 1000;
    EXPECT_EQ(read32(rtc, GoldfishRtc::kAlarmStatus), 0u); // any access notices it is due
    EXPECT_TRUE(irq->level());
}

TEST_F(GoldfishRtcTest, InvalidAccessesIgnored) {
    test::write_n<8>(rtc, GoldfishRtc::kTimeLow, 0);
    test::write_n<1>(rtc, GoldfishRtc::kIrqEnabled, 1);
    write32(rtc, GoldfishRtc::kIrqEnabled + 2, 1);
    EXPECT_EQ(test::read_n<8>(rtc, GoldfishRtc::kTimeLow), 0u);
    EXPECT_EQ(rtc.ignored_access_count(), 4u);
    EXPECT_EQ(read32(rtc, GoldfishRtc::kIrqEnabled), 0u);
    EXPECT_EQ(read_time(), kStartNs);
    EXPECT_EQ(read32(rtc, 0x20), 0u); // reserved
}

TEST(GoldfishRtcDefaults, RealtimeClockAndNoLine) {
    GoldfishRtc rtc(nullptr);
    u64 before = realtime_ns();
    u64 low = test::read32(rtc, GoldfishRtc::kTimeLow);
    u64 high = test::read32(rtc, GoldfishRtc::kTimeHigh);
    u64 after = realtime_ns();
    u64 time = (high << 32) | low;
    EXPECT_GE(time, before);
    EXPECT_LE(time, after);
    test::write32(rtc, GoldfishRtc::kIrqEnabled, 1);
    test::write32(rtc, GoldfishRtc::kAlarmHigh, 0);
    test::write32(rtc, GoldfishRtc::kAlarmLow, 0); // fires at once, with no line to drive
    EXPECT_TRUE(rtc.irq_level());
}

} // namespace
} // namespace kite::devices
