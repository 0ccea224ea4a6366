#include "devices/i8254/i8254.h"

#include <array>
#include <gtest/gtest.h>

using namespace kite;
using namespace kite::devices;

namespace {

constexpr u8 kCounter0 = 0;
constexpr u8 kCounter2 = 2;
constexpr u8 kControl = 3;
constexpr u64 kStartNs = 5'000'000'000;

// The first nanosecond (on the fake clock) at which PIT clock `tick` has come.
u64 tick_ns(u64 tick) {
    return kStartNs + (tick * 1'000'000'000 + I8254::kFrequencyHz - 1) / I8254::kFrequencyHz;
}

class PitTest : public ::testing::Test {
protected:
    PitTest()
        : irq(std::make_shared<RecordingIrqLine>()),
          pit(std::make_shared<I8254>(irq, [this] { return now_ns; })) {}

    void at(u64 tick) {
        now_ns = tick_ns(tick);
        pit->update();
    }
    void load(u8 counter, u16 count) {
        pit->write(counter, static_cast<u8>(count));
        pit->write(counter, static_cast<u8>(count >> 8));
    }
    u16 read16(u8 counter) {
        u8 low = pit->read(counter);
        return static_cast<u16>(low | pit->read(counter) << 8);
    }

    u64 now_ns{kStartNs};
    std::shared_ptr<RecordingIrqLine> irq;
    std::shared_ptr<I8254> pit;
};

} // namespace

TEST_F(PitTest, Mode2RateGeneratorInterruptsEveryPeriod) {
    pit->write(kControl, 0x34); // channel 0, LSB then MSB, mode 2: Linux's periodic tick
    load(kCounter0, 1193);
    EXPECT_TRUE(irq->level());
    EXPECT_EQ(irq->rising_edges(), 1u);
    EXPECT_EQ(pit->next_deadline_ns(), tick_ns(1193));
    at(100);
    EXPECT_EQ(read16(kCounter0), 1093);
    at(1192);
    EXPECT_FALSE(pit->out(0)); // one clock low before the reload
    EXPECT_EQ(read16(kCounter0), 1);
    at(1193);
    EXPECT_TRUE(pit->out(0));
    EXPECT_EQ(read16(kCounter0), 1193);
    EXPECT_EQ(irq->rising_edges(), 2u);
    EXPECT_EQ(pit->next_deadline_ns(), tick_ns(2 * 1193));
    // Updates that miss the low clock still see each period as an edge.
    at(2 * 1193 + 10);
    EXPECT_EQ(irq->rising_edges(), 3u);
    at(5 * 1193 + 10); // several periods late: one edge
    EXPECT_EQ(irq->rising_edges(), 4u);
    EXPECT_EQ(pit->next_deadline_ns(), tick_ns(6 * 1193));
}

TEST_F(PitTest, Mode0InterruptsOnceAtTerminalCount) {
    pit->write(kControl, 0x30);
    EXPECT_FALSE(pit->out(0));
    load(kCounter0, 100);
    EXPECT_FALSE(irq->level());
    EXPECT_EQ(pit->next_deadline_ns(), tick_ns(100));
    at(99);
    EXPECT_FALSE(irq->level());
    EXPECT_EQ(read16(kCounter0), 1);
    now_ns = tick_ns(100);
    EXPECT_EQ(pit->next_deadline_ns(), now_ns); // due, not yet signalled
    pit->update();
    EXPECT_TRUE(irq->level());
    EXPECT_EQ(irq->rising_edges(), 1u);
    EXPECT_EQ(pit->next_deadline_ns(), std::nullopt);
    at(101);
    EXPECT_EQ(read16(kCounter0), 0xFFFF); // keeps counting, wrapped
    EXPECT_TRUE(irq->level());
    // A new count starts another one-shot: OUT low again.
    load(kCounter0, 10);
    EXPECT_FALSE(irq->level());
    at(111);
    EXPECT_TRUE(irq->level());
}

TEST_F(PitTest, Mode3SquareWave) {
    pit->write(kControl, 0x36);
    load(kCounter0, 0); // 65536: the BIOS's 18.2 Hz
    EXPECT_TRUE(pit->out(0));
    at(10);
    EXPECT_EQ(read16(kCounter0), 65536 - 20); // counts by two
    at(32767);
    EXPECT_TRUE(pit->out(0));
    at(32768);
    EXPECT_FALSE(pit->out(0));
    EXPECT_FALSE(irq->level());
    EXPECT_EQ(pit->next_deadline_ns(), tick_ns(65536));
    at(65536);
    EXPECT_TRUE(irq->level());
    EXPECT_EQ(irq->rising_edges(), 2u);
}

TEST_F(PitTest, Mode3OddCountKeepsOutHighTheLongerHalf) {
    pit->write(kControl, 0x16); // LSB only, mode 3
    pit->write(kCounter0, 5);
    at(2);
    EXPECT_TRUE(pit->out(0));
    at(3);
    EXPECT_FALSE(pit->out(0));
    at(5);
    EXPECT_TRUE(pit->out(0));
}

TEST_F(PitTest, Mode4StrobesOneClockAfterTerminalCount) {
    pit->write(kControl, 0x38); // Linux's one-shot clockevent mode
    load(kCounter0, 10);
    EXPECT_TRUE(irq->level());
    EXPECT_EQ(pit->next_deadline_ns(), tick_ns(11));
    at(10);
    EXPECT_FALSE(irq->level());
    at(11);
    EXPECT_TRUE(irq->level());
    EXPECT_EQ(irq->rising_edges(), 2u);
    EXPECT_EQ(pit->next_deadline_ns(), std::nullopt);
}

TEST_F(PitTest, SingleByteAccessModes) {
    pit->write(kControl, 0x10); // LSB only, mode 0
    pit->write(kCounter0, 0x50);
    at(0x10);
    EXPECT_EQ(pit->read(kCounter0), 0x40);
    EXPECT_EQ(pit->read(kCounter0), 0x40); // no toggling
    pit->write(kControl, 0x20);            // MSB only
    pit->write(kCounter0, 0x02);
    at(0x10 + 0x101);
    EXPECT_EQ(pit->read(kCounter0), 0x00); // 0x200 - 0x101 = 0xFF
    EXPECT_EQ(pit->read(kControl), 0xFF);  // the control port is write-only
}

TEST_F(PitTest, CounterLatchHoldsTheCountUntilRead) {
    pit->write(kControl, 0x34);
    load(kCounter0, 1000);
    at(300);
    pit->write(kControl, 0x00); // latch channel 0
    at(400);
    pit->write(kControl, 0x00); // ignored: already latched
    EXPECT_EQ(read16(kCounter0), 700);
    EXPECT_EQ(read16(kCounter0), 600); // live again
}

TEST_F(PitTest, ReadBackLatchesStatusAndCount) {
    pit->write(kControl, 0x34);
    pit->write(kControl, 0xE2);                          // read-back: status only, channel 0
    EXPECT_EQ(pit->read(kCounter0), 0x80 | 0x40 | 0x34); // OUT high, null count, rw 3, mode 2
    load(kCounter0, 500);
    at(100);
    pit->write(kControl, 0xC2); // status and count
    at(200);
    EXPECT_EQ(pit->read(kCounter0), 0x80 | 0x34); // status first: no longer null
    EXPECT_EQ(read16(kCounter0), 400);            // then the count latched at 100
    pit->write(kControl, 0xD2);                   // count only
    EXPECT_EQ(read16(kCounter0), 300);
}

TEST_F(PitTest, BcdCounting) {
    pit->write(kControl, 0x31); // mode 0, BCD
    load(kCounter0, 0x1000);    // 1000 decimal
    at(1);
    EXPECT_EQ(read16(kCounter0), 0x0999);
    EXPECT_EQ(pit->next_deadline_ns(), tick_ns(1000));
    at(1001);
    EXPECT_EQ(read16(kCounter0), 0x9999); // wraps in decimal
}

TEST_F(PitTest, Channel2ThroughPortBAsLinuxCalibratesTheTsc) {
    EXPECT_EQ(pit->read_port_b() & 0x0F, 0);
    pit->write_port_b(static_cast<u8>((pit->read_port_b() & ~I8254::kPortBSpeaker) | I8254::kPortBGate2));
    pit->write(kControl, 0xB0); // channel 2, LSB then MSB, mode 0
    load(kCounter2, 11932);
    EXPECT_EQ(pit->read_port_b() & I8254::kPortBOut2, 0);
    now_ns = tick_ns(6000);
    EXPECT_EQ(pit->read(kCounter2), static_cast<u8>(5932)); // Linux reads the MSB to watch it fall
    EXPECT_EQ(pit->read(kCounter2), 5932 >> 8);
    EXPECT_EQ(pit->read_port_b() & I8254::kPortBOut2, 0);
    now_ns = tick_ns(11932);
    EXPECT_EQ(pit->read_port_b() & I8254::kPortBOut2, I8254::kPortBOut2);
    EXPECT_EQ(pit->read_port_b() & 0x0F, I8254::kPortBGate2);
    EXPECT_EQ(irq->rising_edges(), 0u); // channel 2 has no interrupt
    EXPECT_EQ(pit->next_deadline_ns(), std::nullopt);
}

TEST_F(PitTest, GateLowPausesMode0) {
    pit->write(kControl, 0xB0);
    load(kCounter2, 100); // gate 2 low: holds the count
    now_ns = tick_ns(50);
    EXPECT_EQ(read16(kCounter2), 100);
    pit->write_port_b(I8254::kPortBGate2);
    now_ns = tick_ns(80);
    EXPECT_EQ(read16(kCounter2), 70);
    pit->write_port_b(0);
    now_ns = tick_ns(500);
    EXPECT_EQ(read16(kCounter2), 70);
    EXPECT_FALSE(pit->out(2));
    pit->write_port_b(I8254::kPortBGate2);
    now_ns = tick_ns(570);
    EXPECT_TRUE(pit->out(2));
}

TEST_F(PitTest, GateTriggersModes1And5AndRestartsMode2) {
    pit->write(kControl, 0xB2); // channel 2, mode 1
    load(kCounter2, 5);
    now_ns = tick_ns(10);
    EXPECT_TRUE(pit->out(2)); // waiting for a trigger
    EXPECT_EQ(read16(kCounter2), 5);
    pit->write_port_b(I8254::kPortBGate2);
    EXPECT_FALSE(pit->out(2));
    now_ns = tick_ns(15);
    EXPECT_TRUE(pit->out(2));
    pit->write_port_b(0);
    pit->write_port_b(I8254::kPortBGate2); // retrigger
    EXPECT_FALSE(pit->out(2));

    pit->write(kControl, 0xBA); // mode 5
    load(kCounter2, 3);
    now_ns = tick_ns(30);
    EXPECT_TRUE(pit->out(2));
    pit->write_port_b(0);
    pit->write_port_b(I8254::kPortBGate2);
    now_ns = tick_ns(33);
    EXPECT_FALSE(pit->out(2)); // the strobe
    now_ns = tick_ns(34);
    EXPECT_TRUE(pit->out(2));

    pit->write(kControl, 0xB4); // mode 2
    load(kCounter2, 10);
    now_ns = tick_ns(43);
    EXPECT_FALSE(pit->out(2));
    pit->write_port_b(0); // gate low: OUT high, count held
    EXPECT_TRUE(pit->out(2));
    now_ns = tick_ns(60);
    EXPECT_EQ(read16(kCounter2), 1);
    pit->write_port_b(I8254::kPortBGate2); // gate high: reloads
    EXPECT_EQ(read16(kCounter2), 10);
}

TEST_F(PitTest, RefreshBitFlips) {
    u8 first = pit->read_port_b() & I8254::kPortBRefresh;
    now_ns += I8254::kRefreshPeriodNs;
    EXPECT_NE(pit->read_port_b() & I8254::kPortBRefresh, first);
    now_ns += I8254::kRefreshPeriodNs;
    EXPECT_EQ(pit->read_port_b() & I8254::kPortBRefresh, first);
}

TEST_F(PitTest, BusPorts) {
    Bus pio("pio");
    ASSERT_TRUE(I8254::attach(pio, pit));
    pio.write(0x43, std::array<u8, 1>{0x34});
    pio.write(0x40, std::array<u8, 1>{0x00});
    pio.write(0x40, std::array<u8, 1>{0x10});
    at(0x100);
    std::array<u8, 1> b{};
    pio.read(0x40, b);
    EXPECT_EQ(b[0], 0x00);
    pio.read(0x40, b);
    EXPECT_EQ(b[0], 0x0F);
    pio.write(0x61, std::array<u8, 1>{0x03});
    pio.read(0x61, b);
    EXPECT_EQ(b[0] & 0x0F, 0x03);
    std::array<u8, 2> w{};
    pio.read(0x40, w);
    EXPECT_EQ(w, (std::array<u8, 2>{0xFF, 0xFF}));
}
