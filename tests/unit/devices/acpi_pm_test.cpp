#include "devices/acpi_pm/acpi_pm.h"
#include "devices/acpi_pm/reset_control.h"

#include <array>
#include <gtest/gtest.h>

using namespace kite;
using namespace kite::devices;

namespace {

constexpr u64 kStartNs = 7'000'000'000;
constexpr u8 kS5 = 5;
constexpr AcpiPm::Ports kPorts{.event = 0x600, .control = 0x604, .timer = 0x608};

// The first nanosecond (on the fake clock) at which PM timer tick `tick` has come.
u64 tick_ns(u64 tick) {
    return kStartNs +
           static_cast<u64>((static_cast<unsigned __int128>(tick) * 1'000'000'000 + AcpiPm::kTimerHz - 1) /
                            AcpiPm::kTimerHz);
}

class AcpiPmTest : public ::testing::Test {
protected:
    AcpiPmTest()
        : sci(std::make_shared<RecordingIrqLine>()),
          pm(std::make_shared<AcpiPm>(
              sci, kS5, [this] { ++power_offs; }, [this] { return now_ns; })) {}

    u64 read(u64 port, std::size_t width) {
        std::array<u8, 8> b{};
        pio.read(port, std::span<u8>(b.data(), width));
        u64 v = 0;
        for (std::size_t i = 0; i < width; ++i)
            v |= u64{b[i]} << (8 * i);
        return v;
    }
    void write(u64 port, std::size_t width, u64 value) {
        std::array<u8, 8> b{};
        for (std::size_t i = 0; i < width; ++i)
            b[i] = static_cast<u8>(value >> (8 * i));
        pio.write(port, std::span<const u8>(b.data(), width));
    }

    u64 now_ns{kStartNs};
    unsigned power_offs{0};
    std::shared_ptr<RecordingIrqLine> sci;
    std::shared_ptr<AcpiPm> pm;
    Bus pio{"pio"};
};

TEST_F(AcpiPmTest, TimerCountsAt3579545HzFromZero) {
    EXPECT_EQ(pm->read_timer(), 0u);
    now_ns = kStartNs + 1'000'000'000;
    EXPECT_EQ(pm->read_timer(), AcpiPm::kTimerHz);
    now_ns = tick_ns(0x1'0000'0005); // 32 bits wrap
    EXPECT_EQ(pm->read_timer(), 5u);
}

TEST_F(AcpiPmTest, TimerStatusSetsWhenBit31TogglesAndClearsOnWriteOne) {
    now_ns = tick_ns(0x7fff'ffff);
    EXPECT_EQ(pm->read_status() & AcpiPm::kStsTimer, 0);
    now_ns = tick_ns(0x8000'0000);
    EXPECT_EQ(pm->read_status() & AcpiPm::kStsTimer, AcpiPm::kStsTimer);
    pm->write_status(0); // writing 0 keeps it
    EXPECT_EQ(pm->read_status() & AcpiPm::kStsTimer, AcpiPm::kStsTimer);
    pm->write_status(AcpiPm::kStsTimer);
    EXPECT_EQ(pm->read_status() & AcpiPm::kStsTimer, 0);
    now_ns = tick_ns(0x1'0000'0000); // bit 31 toggles back to 0
    EXPECT_EQ(pm->read_status() & AcpiPm::kStsTimer, AcpiPm::kStsTimer);
}

TEST_F(AcpiPmTest, TimerInterruptNeedsEnableAndComesAtTheDeadline) {
    EXPECT_FALSE(pm->next_deadline_ns()); // TMR_EN clear
    pm->write_enable(AcpiPm::kEnTimer);
    ASSERT_TRUE(pm->next_deadline_ns());
    EXPECT_EQ(*pm->next_deadline_ns(), tick_ns(0x8000'0000));
    now_ns = *pm->next_deadline_ns() - 1;
    pm->update();
    EXPECT_FALSE(sci->level());
    now_ns += 1;
    pm->update();
    EXPECT_TRUE(sci->level());
    EXPECT_FALSE(pm->next_deadline_ns()); // pending until cleared
    pm->write_status(AcpiPm::kStsTimer);
    EXPECT_FALSE(sci->level());
    EXPECT_EQ(*pm->next_deadline_ns(), tick_ns(0x1'0000'0000));
}

TEST_F(AcpiPmTest, PowerButtonRaisesSciOnlyWhenEnabled) {
    pm->press_power_button();
    EXPECT_EQ(pm->read_status(), AcpiPm::kStsPowerButton);
    EXPECT_FALSE(sci->level());
    pm->write_enable(AcpiPm::kEnPowerButton);
    EXPECT_TRUE(sci->level());
    EXPECT_TRUE(pm->sci_level());
    pm->write_status(AcpiPm::kStsPowerButton);
    EXPECT_FALSE(sci->level());
    pm->press_power_button();
    EXPECT_TRUE(sci->level());
    pm->write_enable(0); // disabling drops the SCI and keeps the status
    EXPECT_FALSE(sci->level());
    EXPECT_EQ(pm->read_status(), AcpiPm::kStsPowerButton);
}

TEST_F(AcpiPmTest, EnableKeepsOnlyDefinedBits) {
    pm->write_enable(0xffff);
    EXPECT_EQ(pm->read_enable(), AcpiPm::kEnTimer | AcpiPm::kEnGlobal | AcpiPm::kEnPowerButton |
                                     AcpiPm::kEnSleepButton | AcpiPm::kEnRtc);
}

TEST_F(AcpiPmTest, ControlReadsSciEnabledAndTheSleepTypeButNeverSleepEnable) {
    EXPECT_EQ(pm->read_control(), AcpiPm::kCntSciEnable);
    pm->write_control(3 << AcpiPm::kCntSleepTypeShift);
    EXPECT_EQ(pm->read_control(), AcpiPm::kCntSciEnable | 3 << AcpiPm::kCntSleepTypeShift);
    pm->write_control(0); // SCI_EN stays set: always in ACPI mode
    EXPECT_EQ(pm->read_control(), AcpiPm::kCntSciEnable);
    EXPECT_EQ(power_offs, 0u);
}

TEST_F(AcpiPmTest, SleepEnableWithTheS5TypePowersOff) {
    pm->write_control(kS5 << AcpiPm::kCntSleepTypeShift); // the type alone does nothing
    EXPECT_EQ(power_offs, 0u);
    pm->write_control(kS5 << AcpiPm::kCntSleepTypeShift | AcpiPm::kCntSleepEnable);
    EXPECT_EQ(power_offs, 1u);
}

TEST_F(AcpiPmTest, OtherSleepTypesAreIgnoredAndCounted) {
    pm->write_control(1 << AcpiPm::kCntSleepTypeShift | AcpiPm::kCntSleepEnable);
    EXPECT_EQ(power_offs, 0u);
    EXPECT_EQ(pm->ignored_sleep_count(), 1u);
}

TEST_F(AcpiPmTest, BusBlocksTakeWordsBytesAndDwords) {
    ASSERT_TRUE(AcpiPm::attach(pio, kPorts, pm));
    pm->press_power_button();
    EXPECT_EQ(read(0x600, 2), AcpiPm::kStsPowerButton);
    EXPECT_EQ(read(0x601, 1), AcpiPm::kStsPowerButton >> 8);
    write(0x602, 2, AcpiPm::kEnPowerButton | AcpiPm::kEnTimer);
    EXPECT_EQ(read(0x600, 4),
              u64{AcpiPm::kStsPowerButton} | u64{AcpiPm::kEnPowerButton | AcpiPm::kEnTimer} << 16);
    write(0x602, 1, 0); // the low byte of PM1_EN only: TMR_EN goes, PWRBTN_EN stays
    EXPECT_EQ(pm->read_enable(), AcpiPm::kEnPowerButton);
    EXPECT_TRUE(sci->level());
    write(0x600, 1, 0xff); // the low byte of PM1_STS: PWRBTN_STS (bit 8) stays
    EXPECT_EQ(pm->read_status(), AcpiPm::kStsPowerButton);
    write(0x601, 1, AcpiPm::kStsPowerButton >> 8);
    EXPECT_EQ(pm->read_status(), 0);
    EXPECT_FALSE(sci->level());
}

TEST_F(AcpiPmTest, BusControlBlockPowersOffOnSleepEnable) {
    ASSERT_TRUE(AcpiPm::attach(pio, kPorts, pm));
    EXPECT_EQ(read(0x604, 2), AcpiPm::kCntSciEnable);
    write(0x605, 1, (kS5 << AcpiPm::kCntSleepTypeShift | AcpiPm::kCntSleepEnable) >> 8);
    EXPECT_EQ(power_offs, 1u);
    write(0x604, 4, 0xffff'ffff); // a dword does not fit the 2-byte block: ignored
    EXPECT_EQ(power_offs, 1u);
}

TEST_F(AcpiPmTest, BusTimerReadsAnyAlignedWidthAndIgnoresWrites) {
    ASSERT_TRUE(AcpiPm::attach(pio, kPorts, pm));
    now_ns = tick_ns(0x1234'5678);
    EXPECT_EQ(read(0x608, 4), 0x1234'5678u);
    EXPECT_EQ(read(0x60a, 2), 0x1234u);
    EXPECT_EQ(read(0x609, 1), 0x56u);
    write(0x608, 4, 0);
    EXPECT_EQ(read(0x608, 4), 0x1234'5678u);
    EXPECT_EQ(read(0x609, 2), 0xffffu); // unaligned: all ones
}

TEST(ResetControl, RstCpuResetsAndTheOtherBitsAreKept) {
    unsigned resets = 0;
    auto rc = std::make_shared<ResetControl>([&] { ++resets; });
    EXPECT_EQ(rc->read(), 0);
    rc->write(ResetControl::kSystemReset | ResetControl::kFullReset);
    EXPECT_EQ(resets, 0u);
    EXPECT_EQ(rc->read(), ResetControl::kSystemReset | ResetControl::kFullReset);
    rc->write(0x06); // the FADT's reset value
    EXPECT_EQ(resets, 1u);
    EXPECT_EQ(rc->read(), ResetControl::kSystemReset);
}

TEST(ResetControl, BusDeviceTakesOneByte) {
    unsigned resets = 0;
    Bus pio("pio");
    ASSERT_TRUE(pio.insert(ResetControl::kPort, 1,
                           ResetControl::bus_device(std::make_shared<ResetControl>([&] { ++resets; })),
                           "rc"));
    pio.write(ResetControl::kPort, std::array<u8, 2>{0x06, 0}); // a word: ignored
    EXPECT_EQ(resets, 0u);
    pio.write(ResetControl::kPort, std::array<u8, 1>{0x0e});
    EXPECT_EQ(resets, 1u);
    std::array<u8, 1> b{};
    pio.read(ResetControl::kPort, b);
    EXPECT_EQ(b[0], ResetControl::kSystemReset | ResetControl::kFullReset);
}

} // namespace
