#include "devices/mc146818/mc146818.h"

#include <array>
#include <gtest/gtest.h>

using namespace kite;
using namespace kite::devices;

namespace {

using R = Mc146818;
constexpr u64 kNs = 1'000'000'000;
constexpr u64 kMonoStart = 77 * kNs;
constexpr i64 kLeapEve = 1709251198; // 2024-02-29 23:59:58 UTC, a Thursday

class RtcTest : public ::testing::Test {
protected:
    RtcTest()
        : irq(std::make_shared<RecordingIrqLine>()),
          rtc(std::make_shared<Mc146818>(
              irq, [this] { return now_ns; }, u64(kLeapEve) * kNs)) {}

    void advance(u64 ns) {
        now_ns += ns;
        rtc->update();
    }
    u8 reg(u8 index) { return rtc->read_register(index); }
    void set(u8 index, u8 value) { rtc->write_register(index, value); }

    u64 now_ns{kMonoStart};
    std::shared_ptr<RecordingIrqLine> irq;
    std::shared_ptr<Mc146818> rtc;
};

} // namespace

TEST_F(RtcTest, ReadsTheHostTimeInBcd24Hour) {
    EXPECT_EQ(reg(R::kSeconds), 0x58);
    EXPECT_EQ(reg(R::kMinutes), 0x59);
    EXPECT_EQ(reg(R::kHours), 0x23);
    EXPECT_EQ(reg(R::kDayOfWeek), 5);
    EXPECT_EQ(reg(R::kDayOfMonth), 0x29);
    EXPECT_EQ(reg(R::kMonth), 0x02);
    EXPECT_EQ(reg(R::kYear), 0x24);
    EXPECT_EQ(reg(R::kCentury), 0x20);
    EXPECT_EQ(reg(R::kRegA), 0x26);
    EXPECT_EQ(reg(R::kRegB), 0x02);
    EXPECT_EQ(reg(R::kRegD), 0x80);
    advance(2 * kNs); // across the leap day
    EXPECT_EQ(reg(R::kSeconds), 0x00);
    EXPECT_EQ(reg(R::kHours), 0x00);
    EXPECT_EQ(reg(R::kDayOfMonth), 0x01);
    EXPECT_EQ(reg(R::kMonth), 0x03);
    EXPECT_EQ(reg(R::kDayOfWeek), 6);
}

TEST_F(RtcTest, BinaryAnd12HourFormats) {
    set(R::kRegB, R::kBBinary); // binary, 12-hour
    EXPECT_EQ(reg(R::kSeconds), 58);
    EXPECT_EQ(reg(R::kHours), 11 | 0x80); // 11 PM
    EXPECT_EQ(reg(R::kYear), 24);
    EXPECT_EQ(reg(R::kCentury), 20);
    advance(2 * kNs);
    EXPECT_EQ(reg(R::kHours), 12); // midnight is 12 AM
    set(R::kRegB, 0);              // BCD, 12-hour
    set(R::kHours, 0x81);          // 1 PM
    EXPECT_EQ(reg(R::kHours), 0x81);
    set(R::kRegB, R::kB24Hour);
    EXPECT_EQ(reg(R::kHours), 0x13);
}

TEST_F(RtcTest, SetHoldsTheTimeWhileTheGuestWritesIt) {
    set(R::kRegB, R::kBSet | R::kB24Hour);
    // The order Linux writes: year first, so a day that does not exist in the
    // current month must not be normalised away.
    set(R::kYear, 0x25);
    set(R::kMonth, 0x04);
    set(R::kDayOfMonth, 0x30);
    set(R::kHours, 0x12);
    set(R::kMinutes, 0x34);
    set(R::kSeconds, 0x56);
    advance(10 * kNs);
    EXPECT_EQ(reg(R::kSeconds), 0x56); // held
    EXPECT_EQ(reg(R::kRegA) & R::kAUip, 0);
    set(R::kRegB, R::kB24Hour);
    EXPECT_EQ(rtc->guest_time(), 1746016496); // 2025-04-30 12:34:56
    advance(kNs);
    EXPECT_EQ(reg(R::kSeconds), 0x57);
    EXPECT_EQ(reg(R::kMonth), 0x04);
    EXPECT_EQ(reg(R::kDayOfMonth), 0x30);
    EXPECT_EQ(reg(R::kYear), 0x25);
}

TEST_F(RtcTest, DirectWritesMoveTheRunningClock) {
    advance(kNs / 2);
    set(R::kMinutes, 0x10);
    EXPECT_EQ(reg(R::kMinutes), 0x10);
    EXPECT_EQ(reg(R::kHours), 0x23);
    EXPECT_EQ(reg(R::kSeconds), 0x58);
    advance(kNs / 2); // the phase within the second is kept
    EXPECT_EQ(reg(R::kSeconds), 0x59);
    set(R::kCentury, 0x19);
    EXPECT_EQ(reg(R::kCentury), 0x19);
    EXPECT_EQ(reg(R::kYear), 0x24);
    set(R::kDayOfWeek, 2); // the chip does not check it; it follows the date from there
    EXPECT_EQ(reg(R::kDayOfWeek), 2);
    advance(86400 * kNs);
    EXPECT_EQ(reg(R::kDayOfWeek), 3);
}

TEST_F(RtcTest, DividerResetStopsTheClock) {
    set(R::kRegA, 0x70);
    advance(5 * kNs);
    EXPECT_EQ(reg(R::kSeconds), 0x58);
    set(R::kRegA, 0x26);
    advance(kNs);
    EXPECT_EQ(reg(R::kSeconds), 0x59);
}

TEST_F(RtcTest, UpdateInProgressJustBeforeEachSecond) {
    EXPECT_EQ(reg(R::kRegA) & R::kAUip, 0);
    advance(kNs - 100'000);
    EXPECT_EQ(reg(R::kRegA) & R::kAUip, R::kAUip);
    advance(200'000);
    EXPECT_EQ(reg(R::kRegA) & R::kAUip, 0);
    set(R::kRegA, 0x80 | 0x26); // UIP is read-only
    EXPECT_EQ(reg(R::kRegA), 0x26);
}

TEST_F(RtcTest, UpdateEndedInterruptAndRegisterC) {
    set(R::kRegA, 0x20); // no periodic rate, so only UF and AF show
    advance(2 * kNs);
    EXPECT_FALSE(irq->level());                  // UF set but not enabled
    EXPECT_EQ(reg(R::kRegC), R::kCUf | R::kCAf); // and the alarm of 00:00:00 passed
    EXPECT_EQ(reg(R::kRegC), 0);                 // read clears
    EXPECT_EQ(rtc->next_deadline_ns(), std::nullopt);
    set(R::kRegB, R::kB24Hour | R::kBUie);
    EXPECT_EQ(rtc->next_deadline_ns(), now_ns + kNs);
    advance(kNs - 1);
    EXPECT_FALSE(irq->level());
    advance(1);
    EXPECT_TRUE(irq->level());
    EXPECT_EQ(reg(R::kRegC), R::kCIrqf | R::kCUf);
    EXPECT_FALSE(irq->level());
    set(R::kRegC, 0xFF); // read-only
    set(R::kRegD, 0x00);
    EXPECT_EQ(reg(R::kRegC), 0);
    EXPECT_EQ(reg(R::kRegD), 0x80);
    // SET clears UIE.
    set(R::kRegB, R::kBSet | R::kBUie);
    EXPECT_EQ(reg(R::kRegB), R::kBSet);
}

TEST_F(RtcTest, PeriodicInterruptAtTheRateInRegisterA) {
    advance(976'563);
    EXPECT_EQ(reg(R::kRegC), R::kCPf); // the 1024 Hz rate from reset sets PF without PIE
    EXPECT_FALSE(irq->level());
    EXPECT_EQ(rtc->next_deadline_ns(), std::nullopt);
    set(R::kRegB, R::kB24Hour | R::kBPie);
    EXPECT_EQ(rtc->next_deadline_ns(), kMonoStart + 1'953'125);
    advance(976'561);
    EXPECT_FALSE(irq->level());
    advance(1);
    EXPECT_TRUE(irq->level());
    EXPECT_EQ(reg(R::kRegC), R::kCIrqf | R::kCPf);
    EXPECT_FALSE(irq->level());
    set(R::kRegA, 0x2F); // 2 Hz, counted from the change
    u64 changed = now_ns;
    EXPECT_EQ(rtc->next_deadline_ns(), changed + kNs / 2);
    advance(kNs / 2);
    EXPECT_TRUE(irq->level());
    reg(R::kRegC);
    set(R::kRegA, 0x21); // rate 1 repeats rate 8: 256 Hz
    EXPECT_EQ(rtc->next_deadline_ns(), now_ns + 3'906'250);
    set(R::kRegA, 0x20); // rate 0: off
    EXPECT_EQ(rtc->next_deadline_ns(), std::nullopt);
}

TEST_F(RtcTest, AlarmInterrupt) {
    set(R::kRegA, 0x20); // no periodic flag
    set(R::kSecondsAlarm, 0x02);
    set(R::kMinutesAlarm, 0x00);
    set(R::kHoursAlarm, 0x00);
    set(R::kRegB, R::kB24Hour | R::kBAie);
    EXPECT_EQ(rtc->next_deadline_ns(), kMonoStart + 4 * kNs); // 00:00:02 tomorrow
    advance(3 * kNs);
    EXPECT_FALSE(irq->level());
    EXPECT_EQ(reg(R::kRegC) & R::kCAf, 0);
    advance(kNs + 10);
    EXPECT_TRUE(irq->level());
    EXPECT_EQ(reg(R::kRegC), R::kCIrqf | R::kCAf | R::kCUf);
    // Don't-care bytes: every second.
    set(R::kSecondsAlarm, 0xC0);
    set(R::kMinutesAlarm, 0xFF);
    set(R::kHoursAlarm, 0xC5);
    EXPECT_EQ(rtc->next_deadline_ns(), now_ns - 10 + kNs);
    advance(kNs);
    EXPECT_EQ(reg(R::kRegC), R::kCIrqf | R::kCAf | R::kCUf);
    // An alarm that skipped by between updates still fires.
    set(R::kSecondsAlarm, 0x30);
    advance(60 * kNs);
    EXPECT_EQ(reg(R::kRegC) & R::kCAf, R::kCAf);
}

TEST_F(RtcTest, CmosMemoryAndMemorySizes) {
    set(0x40, 0xA5);
    EXPECT_EQ(reg(0x40), 0xA5);
    rtc->set_memory_size(3 * GiB, 1 * GiB);
    EXPECT_EQ(reg(0x15) | reg(0x16) << 8, 640);
    EXPECT_EQ(reg(0x17) | reg(0x18) << 8, 0xFFFF); // capped
    EXPECT_EQ(reg(0x30) | reg(0x31) << 8, 0xFFFF);
    EXPECT_EQ(reg(0x34) | reg(0x35) << 8, (3 * GiB - 16 * MiB) / (64 * KiB));
    EXPECT_EQ(reg(0x5B) | reg(0x5C) << 8 | reg(0x5D) << 16, GiB / (64 * KiB));
    rtc->set_memory_size(32 * MiB, 0);
    EXPECT_EQ(reg(0x17) | reg(0x18) << 8, 31 * 1024);
    EXPECT_EQ(reg(0x34) | reg(0x35) << 8, 256);
    EXPECT_EQ(reg(0x5B), 0);
}

TEST_F(RtcTest, IndexPortNmiMaskAndBus) {
    Bus pio("pio");
    ASSERT_TRUE(Mc146818::attach(pio, rtc));
    pio.write(0x70, std::array<u8, 1>{0x80 | R::kMinutes});
    EXPECT_TRUE(rtc->nmi_masked());
    std::array<u8, 1> b{};
    pio.read(0x71, b);
    EXPECT_EQ(b[0], 0x59);
    pio.read(0x70, b);
    EXPECT_EQ(b[0], 0xFF);
    pio.write(0x70, std::array<u8, 1>{0x50});
    EXPECT_FALSE(rtc->nmi_masked());
    pio.write(0x71, std::array<u8, 1>{0x42});
    EXPECT_EQ(reg(0x50), 0x42);
    std::array<u8, 2> w{};
    pio.read(0x70, w);
    EXPECT_EQ(w, (std::array<u8, 2>{0xFF, 0xFF}));
}
