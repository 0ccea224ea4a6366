// The legacy PC cores wired together as a board without KVM will wire them:
// the PIT's and the RTC's interrupt lines into the PIC pair, the PIC's INTR
// to a CPU that runs INTA cycles.
#include "devices/i8254/i8254.h"
#include "devices/i8259/i8259.h"
#include "devices/mc146818/mc146818.h"

#include <array>
#include <gtest/gtest.h>
#include <iterator>

using namespace kite;
using namespace kite::devices;

namespace {

constexpr u64 kNs = 1'000'000'000;

struct Platform {
    u64 now_ns{1'000 * kNs}; // first: the devices read it as they are constructed

    Platform()
        : intr(std::make_shared<RecordingIrqLine>()), pic(std::make_shared<Pic8259Pair>(intr)),
          pit(Pic8259Pair::line(pic, 0), [this] { return now_ns; }),
          rtc(
              Pic8259Pair::line(pic, Mc146818::kIrq), [this] { return now_ns; }, 0) {
        for (u8 v : {0x11, 0x30, 0x04, 0x01})
            pic->write(0, v != 0x11, v);
        for (u8 v : {0x11, 0x38, 0x02, 0x01})
            pic->write(1, v != 0x11, v);
    }
    // Runs the board's timer: both devices catch up with the clock.
    void run_until(u64 t) {
        now_ns = t;
        pit.update();
        rtc.update();
    }
    // What a CPU does on INTR: INTA, then EOI (to both chips for a slave vector).
    u8 take_interrupt() {
        u8 vector = pic->acknowledge();
        if (vector >= 0x38)
            pic->write(1, false, 0x20);
        pic->write(0, false, 0x20);
        return vector;
    }

    std::shared_ptr<RecordingIrqLine> intr;
    std::shared_ptr<Pic8259Pair> pic;
    I8254 pit;
    Mc146818 rtc;
};

} // namespace

TEST(PcPlatform, PitTicksReachTheCpuAsVector0x30) {
    Platform p;
    p.pit.write(3, 0x34);
    p.pit.write(0, 0xA9); // 1193: about 1 kHz
    p.pit.write(0, 0x04);
    EXPECT_TRUE(p.intr->level()); // OUT rose when the channel was programmed
    EXPECT_EQ(p.take_interrupt(), 0x30);
    EXPECT_FALSE(p.intr->level());
    for (int tick = 1; tick <= 3; ++tick) {
        auto deadline = p.pit.next_deadline_ns();
        ASSERT_TRUE(deadline);
        p.run_until(*deadline);
        ASSERT_TRUE(p.intr->level()) << "tick " << tick;
        EXPECT_EQ(p.take_interrupt(), 0x30);
        EXPECT_FALSE(p.intr->level());
    }
}

TEST(PcPlatform, RtcPeriodicInterruptThroughTheSlave) {
    Platform p;
    p.rtc.write_register(Mc146818::kRegA, 0x2F); // 2 Hz
    p.rtc.write_register(Mc146818::kRegB, Mc146818::kB24Hour | Mc146818::kBPie);
    for (int period = 1; period <= 2; ++period) {
        auto deadline = p.rtc.next_deadline_ns();
        ASSERT_TRUE(deadline);
        p.run_until(*deadline);
        ASSERT_TRUE(p.intr->level());
        EXPECT_EQ(p.take_interrupt(), 0x38 + 0);
        // IRQ 8 stays high until register C is read: no new edge before that.
        EXPECT_EQ(p.rtc.read_register(Mc146818::kRegC) & Mc146818::kCPf, Mc146818::kCPf);
        EXPECT_FALSE(p.intr->level());
    }
}

// A misbehaving guest: random bytes to every port of the three devices, with
// time jumping about, must never crash or trip the sanitizers, and the
// interrupt path must keep answering with a vector.
TEST(PcPlatform, RandomPortTrafficIsHarmless) {
    Platform p;
    Bus pio("pio");
    ASSERT_TRUE(Pic8259Pair::attach(pio, p.pic));
    auto pit = std::shared_ptr<I8254>(&p.pit, [](I8254*) {});
    auto rtc = std::shared_ptr<Mc146818>(&p.rtc, [](Mc146818*) {});
    ASSERT_TRUE(I8254::attach(pio, pit));
    ASSERT_TRUE(Mc146818::attach(pio, rtc));
    const u16 ports[] = {0x20, 0x21, 0xA0, 0xA1, 0x4D0, 0x4D1, 0x40, 0x41, 0x42, 0x43, 0x61, 0x70, 0x71};
    u64 state = 0x9E37'79B9'7F4A'7C15;
    auto next = [&state] {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return state;
    };
    for (int i = 0; i < 50'000; ++i) {
        u64 r = next();
        u16 port = ports[r % std::size(ports)];
        std::array<u8, 1> b{static_cast<u8>(r >> 8)};
        if (r & (1u << 20))
            pio.write(port, b);
        else
            pio.read(port, b);
        if ((r >> 24) % 16 == 0)
            p.run_until(p.now_ns + (r >> 32) % (3 * kNs));
        if (p.intr->level())
            p.take_interrupt();
        (void)p.pit.next_deadline_ns();
        (void)p.rtc.next_deadline_ns();
    }
    SUCCEED();
}
