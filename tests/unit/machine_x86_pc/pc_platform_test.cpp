#include "base/le_bytes.h"
#include "devices/i8042/i8042.h"
#include "machine/x86_pc/pc_board.h"
#include "machine/x86_pc/pc_platform.h"

#include <array>
#include <gtest/gtest.h>

using namespace kite;
using namespace kite::machine;
using devices::LocalApic;

namespace {

constexpr u64 kNs = 1'000'000'000;
constexpr u8 kPicBase = 0x20;
constexpr u8 kSlaveBase = 0x28;
constexpr u64 kIoapic = 0xFEC0'0000;

class PcPlatformTest : public ::testing::Test {
protected:
    void build(u32 cpus = 1, u64 memory = 256 * MiB) {
        platform.reset();
        pio_bus = std::make_unique<Bus>("pio");
        mmio_bus = std::make_unique<Bus>("mmio");
        platform = std::make_unique<PcPlatform>(PcPlatformConfig{
            .cpus = cpus, .memory = memory, .now_ns = [this] { return now_ns; }, .rtc_start_time_ns = 0});
        ASSERT_TRUE(platform->attach(*pio_bus, *mmio_bus));
    }

    void out8(u16 port, u8 value) { pio_bus->write(port, std::array<u8, 1>{value}); }
    u8 in8(u16 port) {
        std::array<u8, 1> b{};
        pio_bus->read(port, b);
        return b[0];
    }
    void ioapic_write(u32 index, u32 value) {
        std::array<u8, 4> b{};
        store_le(std::span<u8>(b), 0, index);
        mmio_bus->write(kIoapic, b);
        store_le(std::span<u8>(b), 0, value);
        mmio_bus->write(kIoapic + 0x10, b);
    }
    u32 ioapic_read(u32 index) {
        std::array<u8, 4> b{};
        store_le(std::span<u8>(b), 0, index);
        mmio_bus->write(kIoapic, b);
        mmio_bus->read(kIoapic + 0x10, b);
        return load_le<u32>(std::span<const u8>(b), 0);
    }
    // Pin `pin` to `vector` on APIC 0, edge or level, unmasked.
    void route(u32 pin, u8 vector, bool level = false) {
        ioapic_write(0x11 + 2 * pin, 0);
        ioapic_write(0x10 + 2 * pin, vector | (level ? devices::Ioapic::kLevelTriggered : 0));
    }
    // The PC BIOS's PIC set-up: vectors 0x20 and 0x28, the slave on IRQ 2.
    void init_pics(u8 master_mask, u8 slave_mask) {
        for (u8 v : {u8{0x11}, kPicBase, u8{0x04}, u8{0x01}, master_mask})
            out8(v == 0x11 ? 0x20 : 0x21, v);
        for (u8 v : {u8{0x11}, kSlaveBase, u8{0x02}, u8{0x01}, slave_mask})
            out8(v == 0x11 ? 0xA0 : 0xA1, v);
    }
    void enable_apic(u32 cpu) {
        platform->local_apic(cpu).write_register(LocalApic::kSvr, LocalApic::kSvrEnable | 0xFF);
    }
    void run_until(u64 t) {
        now_ns = t;
        platform->update();
    }
    // PIT channel 0 in mode 2 with `count`.
    void start_pit(u16 count) {
        out8(0x43, 0x34);
        out8(0x40, static_cast<u8>(count));
        out8(0x40, static_cast<u8>(count >> 8));
    }
    u16 cmos16(u8 index) {
        out8(0x70, index);
        u8 low = in8(0x71);
        out8(0x70, static_cast<u8>(index + 1));
        return static_cast<u16>(low | in8(0x71) << 8);
    }

    u64 now_ns{1'000 * kNs};
    std::unique_ptr<Bus> pio_bus;
    std::unique_ptr<Bus> mmio_bus;
    std::unique_ptr<PcPlatform> platform;
};

TEST_F(PcPlatformTest, PitTickRaisesIrq0ThroughThePicToLint0) {
    build();
    init_pics(0xFE, 0xFF); // only IRQ 0
    enable_apic(0);        // virtual-wire mode, as the BIOS leaves it
    platform->local_apic(0).write_register(LocalApic::kLvtLint0, 7u << 8); // ExtINT, unmasked
    start_pit(1193);                                                       // about 1 kHz
    for (int tick = 0; tick < 3; ++tick) {
        if (tick > 0) {
            auto deadline = platform->next_deadline_ns();
            ASSERT_TRUE(deadline);
            run_until(*deadline);
        }
        ASSERT_TRUE(platform->local_apic(0).extint_pending()) << "tick " << tick;
        EXPECT_EQ(platform->local_apic(0).acknowledge(), kPicBase);
        out8(0x20, 0x20); // EOI
        EXPECT_FALSE(platform->local_apic(0).extint_pending());
    }
}

TEST_F(PcPlatformTest, PitTickRaisesIoapicPin2) {
    build();
    init_pics(0xFF, 0xFF); // the PIC masked: APIC mode
    enable_apic(0);
    route(2, 0x40);
    start_pit(1193);
    for (int tick = 0; tick < 3; ++tick) {
        if (tick > 0)
            run_until(*platform->next_deadline_ns());
        EXPECT_FALSE(platform->local_apic(0).extint_pending());
        ASSERT_EQ(platform->local_apic(0).pending_vector(), std::optional<u8>(0x40)) << "tick " << tick;
        EXPECT_EQ(platform->local_apic(0).acknowledge(), 0x40);
        platform->local_apic(0).eoi();
        EXPECT_EQ(platform->local_apic(0).pending_vector(), std::nullopt);
    }
}

// Linux calibrates the TSC with channel 2 in mode 0, gated by port 0x61 bit 0,
// and polls OUT 2 in bit 5.
TEST_F(PcPlatformTest, Port61GatesChannel2AndShowsItsOutput) {
    build();
    out8(0x61, 0x00); // gate low
    out8(0x43, 0xB0); // channel 2, LSB then MSB, mode 0
    out8(0x42, 100);
    out8(0x42, 0);
    now_ns += kNs / 1000;           // about 1193 PIT clocks
    EXPECT_EQ(in8(0x61) & 0x20, 0); // no counting without the gate
    out8(0x61, 0x01);
    EXPECT_EQ(in8(0x61) & 0x20, 0);
    now_ns += kNs / 1000;
    EXPECT_EQ(in8(0x61) & 0x20, 0x20); // terminal count reached
    EXPECT_EQ(in8(0x61) & 0x03, 0x01);
}

// The board's i8042 (0x60, 0x64) and the PIT's port B (0x61) share the bus.
TEST_F(PcPlatformTest, AttachesBesideTheI8042) {
    build();
    EXPECT_TRUE(devices::I8042::attach(*pio_bus, pc::kI8042Port, std::make_shared<devices::I8042>(nullptr)));
    out8(0x61, 0x01);
    EXPECT_EQ(in8(0x61) & 0x01, 0x01);
}

TEST_F(PcPlatformTest, CmosHoldsTheMemorySizes) {
    struct Case {
        u64 memory;
        u16 extended_kib; // 0x17/0x18 and 0x30/0x31
        u16 above_16m;    // 0x34/0x35, 64 KiB units
        u32 above_4g;     // 0x5B-0x5D, 64 KiB units
    };
    for (const Case& c : {Case{64 * MiB, 0xFC00, 0x0300, 0}, Case{256 * MiB, 0xFFFF, 0x0F00, 0},
                          Case{3 * GiB, 0xFFFF, 0xBF00, 0}, Case{6 * GiB, 0xFFFF, 0xBF00, 0xC000}}) {
        SCOPED_TRACE(c.memory / MiB);
        build(1, c.memory);
        EXPECT_EQ(cmos16(0x15), 640);
        EXPECT_EQ(cmos16(0x17), c.extended_kib);
        EXPECT_EQ(cmos16(0x30), c.extended_kib);
        EXPECT_EQ(cmos16(0x34), c.above_16m);
        out8(0x70, 0x5D);
        u32 high = u32{in8(0x71)} << 16;
        EXPECT_EQ(cmos16(0x5B) | high, c.above_4g);
    }
}

TEST_F(PcPlatformTest, RtcPeriodicInterruptReachesIoapicPin8) {
    build();
    enable_apic(0);
    route(8, 0x48);
    out8(0x70, 0x0A);
    out8(0x71, 0x2F); // 2 Hz
    out8(0x70, 0x0B);
    out8(0x71, 0x42); // PIE, 24 h
    run_until(*platform->next_deadline_ns());
    EXPECT_EQ(platform->local_apic(0).pending_vector(), std::optional<u8>(0x48));
}

TEST_F(PcPlatformTest, IsaIrqsReachPicAndIoapicPciPinsOnlyTheIoapic) {
    build();
    init_pics(0x00, 0x00);
    enable_apic(0);
    route(4, 0x44);
    route(16, 0x50, true);
    platform->irq_line(4)->set_level(true);
    EXPECT_EQ(platform->pic().chip(0).irr() & 0x10, 0x10);
    EXPECT_EQ(platform->local_apic(0).pending_vector(), std::optional<u8>(0x44));
    EXPECT_EQ(platform->local_apic(0).acknowledge(), 0x44);
    platform->irq_line(16)->set_level(true);
    EXPECT_EQ(platform->pic().chip(0).irr(), 0x10); // nothing new at the PICs
    EXPECT_EQ(platform->pic().chip(1).irr(), 0x00);
    EXPECT_EQ(platform->local_apic(0).pending_vector(), std::optional<u8>(0x50));
    EXPECT_TRUE(platform->irq_line(23));
    EXPECT_FALSE(platform->irq_line(24));
}

TEST_F(PcPlatformTest, OneLocalApicPerCpuAndTheIoapicOnMmio) {
    build(3);
    EXPECT_EQ(platform->cpu_count(), 3u);
    for (u32 cpu = 0; cpu < 3; ++cpu) {
        EXPECT_EQ(platform->local_apic(cpu).apic_id(), cpu);
        EXPECT_EQ((platform->local_apic(cpu).apic_base() & LocalApic::kBaseBsp) != 0, cpu == 0);
    }
    EXPECT_EQ(platform->apic_bus().local_apics().size(), 3u);
    EXPECT_EQ(ioapic_read(0x01), 0x0017'0020u);
    out8(0x80, 0x42);
    EXPECT_EQ(platform->post_code().read(), 0x42);
}

TEST_F(PcPlatformTest, NextDeadlineIsTheEarliestArmedTimer) {
    build(2);
    EXPECT_EQ(platform->next_deadline_ns(), std::nullopt);
    start_pit(11932); // 10 ms
    auto pit = platform->pit().next_deadline_ns();
    ASSERT_TRUE(pit);
    EXPECT_EQ(platform->next_deadline_ns(), pit);
    enable_apic(1);
    platform->local_apic(1).write_register(LocalApic::kTimerDivide, 0xB); // divide by 1
    platform->local_apic(1).write_register(LocalApic::kLvtTimer, 0x30);
    platform->local_apic(1).write_register(LocalApic::kTimerInitial, 1000); // 1 us at 1 GHz
    EXPECT_EQ(platform->next_deadline_ns(), std::optional<u64>(now_ns + 1000));
    run_until(now_ns + 1000);
    EXPECT_EQ(platform->local_apic(1).pending_vector(), std::optional<u8>(0x30));
}

} // namespace
