#include "pci/bar_assign.h"
#include "test_device.h"

#include <gtest/gtest.h>

namespace kite::pci {
namespace {

using testing::TestDevice;

constexpr u64 kBase = 0xc000'0000;

std::shared_ptr<TestDevice> device_with(std::initializer_list<std::pair<u8, BarLayout>> bars) {
    return std::make_shared<TestDevice>(bars);
}

TEST(AssignMemoryBars, PlacesLargestFirstAlignedAndEnablesDecoding) {
    PciBus bus;
    auto a = device_with({{0, {BarKind::Memory32, 0x4000}}, {1, {BarKind::Memory32, 0x1000}}});
    auto b = device_with({{0, {BarKind::Memory64, 0x10000}}, {4, {BarKind::Io, 0x20}}});
    ASSERT_TRUE(bus.add_device(a));
    ASSERT_TRUE(bus.add_device(b));
    ASSERT_TRUE(assign_memory_bars(bus, kBase, 0x10'0000));

    EXPECT_EQ(b->config_space().bar(0)->address, kBase);
    EXPECT_EQ(a->config_space().bar(0)->address, kBase + 0x10000);
    EXPECT_EQ(a->config_space().bar(1)->address, kBase + 0x14000);
    EXPECT_EQ(b->config_space().bar(4)->address, 0u); // I/O BARs are left alone
    EXPECT_TRUE(a->config_space().memory_enabled());
    EXPECT_TRUE(b->config_space().memory_enabled());
    EXPECT_FALSE(b->config_space().io_enabled());

    auto hit = bus.find_bar(PciSpace::Memory, kBase + 0x14010, 4);
    ASSERT_TRUE(hit);
    EXPECT_EQ(hit->bar, 1);
    EXPECT_EQ(hit->offset, 0x10u);
}

TEST(AssignMemoryBars, AlignsAnUnalignedWindowBase) {
    PciBus bus;
    auto a = device_with({{0, {BarKind::Memory32, 0x2000}}});
    ASSERT_TRUE(bus.add_device(a));
    ASSERT_TRUE(assign_memory_bars(bus, kBase + 0x800, 0x4000));
    EXPECT_EQ(a->config_space().bar(0)->address, kBase + 0x2000);
}

TEST(AssignMemoryBars, FailsWithoutChangesWhenTheWindowIsTooSmall) {
    PciBus bus;
    auto a = device_with({{0, {BarKind::Memory32, 0x1000}}, {1, {BarKind::Memory32, 0x2000}}});
    ASSERT_TRUE(bus.add_device(a));
    auto result = assign_memory_bars(bus, kBase, 0x2000);
    ASSERT_FALSE(result);
    EXPECT_NE(result.error().message().find("do not fit"), std::string::npos) << result.error().message();
    EXPECT_EQ(a->config_space().bar(0)->address, 0u);
    EXPECT_FALSE(a->config_space().memory_enabled());
}

TEST(AssignMemoryBars, AnEmptyBusNeedsNoSpace) {
    PciBus bus;
    EXPECT_TRUE(assign_memory_bars(bus, kBase, 0));
}

} // namespace
} // namespace kite::pci
