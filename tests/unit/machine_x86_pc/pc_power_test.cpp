#include "base/le_bytes.h"
#include "machine/x86_pc/pc_acpi.h"
#include "machine/x86_pc/pc_power.h"

#include <algorithm>
#include <array>
#include <gtest/gtest.h>

using namespace kite;
using namespace kite::machine;

namespace {

class PcPowerTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto s = RunState::create();
        ASSERT_TRUE(s);
        state = *s;
        auto p = attach_pc_power(pio, sci, state);
        ASSERT_TRUE(p) << p.error().message();
        power = *p;
        ASSERT_TRUE(pio.insert(pc_acpi::kResetPort, 1, power.reset_device, "reset-control"));
    }

    std::shared_ptr<RecordingIrqLine> sci = std::make_shared<RecordingIrqLine>();
    std::shared_ptr<RunState> state;
    PcPower power;
    Bus pio{"pio"};
};

TEST_F(PcPowerTest, SleepEnableWithTheS5TypeEndsKiteWithStatusZero) {
    u16 value = devices::AcpiPm::kCntSleepEnable | pc_acpi::kS5SleepType
                                                       << devices::AcpiPm::kCntSleepTypeShift;
    pio.write(pc_acpi::kPm1aControlPort,
              std::array<u8, 2>{static_cast<u8>(value), static_cast<u8>(value >> 8)});
    ASSERT_TRUE(state->stopping());
    EXPECT_EQ(state->status(), 0);
    EXPECT_NE(state->reason().find("powered off"), std::string::npos);
}

TEST_F(PcPowerTest, TheFadtResetValueAtItsPortEndsKiteWithStatusZero) {
    pio.write(pc_acpi::kResetPort, std::array<u8, 1>{pc_acpi::kResetValue});
    ASSERT_TRUE(state->stopping());
    EXPECT_EQ(state->status(), 0);
    EXPECT_NE(state->reason().find("reset"), std::string::npos);
}

TEST_F(PcPowerTest, PowerButtonReachesTheSciLine) {
    pio.write(pc_acpi::kPm1aEventPort + 2, std::array<u8, 2>{0, devices::AcpiPm::kEnPowerButton >> 8});
    power.pm->press_power_button();
    EXPECT_TRUE(sci->level());
    EXPECT_FALSE(state->stopping());
}

TEST_F(PcPowerTest, TimerCountsAtItsPort) {
    std::array<u8, 4> a{}, b{};
    pio.read(pc_acpi::kPmTimerPort, a);
    for (int i = 0; i < 1000 && a == b; ++i)
        pio.read(pc_acpi::kPmTimerPort, b);
    EXPECT_NE(load_le(a), load_le(b));
}

// The FADT (ACPI 6.3, 5.2.9) names exactly the blocks attach_pc_power puts on the bus.
TEST(PcAcpi, FadtPointsAtThePowerHardware) {
    PcConfig config;
    auto tables = build_pc_acpi(config);
    ASSERT_TRUE(tables);
    const auto* info = tables->find("FACP");
    ASSERT_NE(info, nullptr);
    auto fadt = tables->table(*info);
    EXPECT_EQ(load_le<u16>(fadt, 46), pc_acpi::kSciIrq);
    EXPECT_EQ(load_le<u32>(fadt, 56), pc_acpi::kPm1aEventPort);
    EXPECT_EQ(load_le<u32>(fadt, 64), pc_acpi::kPm1aControlPort);
    EXPECT_EQ(load_le<u32>(fadt, 76), pc_acpi::kPmTimerPort);
    EXPECT_EQ(fadt[88], devices::AcpiPm::kEventLength);
    EXPECT_EQ(fadt[89], devices::AcpiPm::kControlLength);
    EXPECT_EQ(fadt[91], devices::AcpiPm::kTimerLength);
    EXPECT_EQ(fadt[116], 1); // RESET_REG: system I/O space
    EXPECT_EQ(load_le<u64>(fadt, 120), devices::ResetControl::kPort);
    EXPECT_EQ(fadt[128], pc_acpi::kResetValue);
    EXPECT_EQ(load_le<u64>(fadt, 148 + 4), pc_acpi::kPm1aEventPort); // X_PM1a_EVT_BLK
    EXPECT_EQ(load_le<u64>(fadt, 176), pc_acpi::kPm1aControlPort);   // X_PM1a_CNT_BLK (GAS at 172)
    EXPECT_EQ(load_le<u64>(fadt, 212), pc_acpi::kPmTimerPort);       // X_PM_TMR_BLK (GAS at 208)
}

// The DSDT's \_S5 package gives the sleep type the PM hardware powers off on.
TEST(PcAcpi, DsdtS5MatchesThePowerOffSleepType) {
    auto tables = build_pc_acpi(PcConfig{});
    ASSERT_TRUE(tables);
    auto dsdt = tables->table(*tables->find("DSDT"));
    // NameOp '\' "_S5_" PackageOp PkgLength NumElements, then the first element.
    const std::array<u8, 6> name{0x08, '\\', '_', 'S', '5', '_'};
    auto at = std::search(dsdt.begin(), dsdt.end(), name.begin(), name.end());
    ASSERT_NE(at, dsdt.end());
    std::size_t i = static_cast<std::size_t>(at - dsdt.begin()) + name.size();
    ASSERT_EQ(dsdt[i], 0x12);  // PackageOp
    ASSERT_EQ(dsdt[i + 2], 4); // four elements
    // ZeroOp (0x00) and OneOp (0x01) are their own values; BytePrefix (0x0A) n.
    u8 first = dsdt[i + 3];
    ASSERT_TRUE(first <= 1 || first == 0x0a);
    u8 type = first == 0x0a ? dsdt[i + 4] : first;
    EXPECT_EQ(type, pc_acpi::kS5SleepType);
}

TEST(PcAcpi, TablesGoToTheBiosAreaAsAcpiMemory) {
    GuestMemory memory;
    ASSERT_TRUE(memory.add_region(GuestAddress(0), 2 * MiB));
    auto tables = build_pc_acpi(PcConfig{});
    ASSERT_TRUE(tables);
    auto range = write_pc_acpi(memory, *tables);
    ASSERT_TRUE(range);
    EXPECT_EQ(range->base, 0xe0000u);
    EXPECT_EQ(range->length, tables->bytes.size());
    EXPECT_EQ(range->type, boot::kMemoryAcpi);
    EXPECT_EQ(tables->rsdp_address, 0xe0000u);
    std::array<u8, 8> signature{};
    ASSERT_TRUE(memory.read(GuestAddress(0xe0000), signature));
    EXPECT_EQ(std::string(signature.begin(), signature.end()), "RSD PTR ");
}

TEST(PcAcpi, TablesThatOverrunOneMegabyteAreRefused) {
    GuestMemory memory;
    ASSERT_TRUE(memory.add_region(GuestAddress(0), 2 * MiB));
    acpi::AcpiTables tables;
    tables.base = 0xe0000;
    tables.bytes.resize(0x20001);
    auto range = write_pc_acpi(memory, tables);
    ASSERT_FALSE(range);
    EXPECT_NE(range.error().message().find("do not fit below 0x100000"), std::string::npos);
}

} // namespace
