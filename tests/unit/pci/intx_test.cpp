#include "base/le_bytes.h"
#include "bus/irq_line.h"
#include "pci/intx.h"
#include "pci/pci_bus.h"
#include "test_device.h"

#include <array>
#include <gtest/gtest.h>
#include <vector>

namespace kite::pci {
namespace {

using testing::TestDevice;

TEST(IntxSwizzle, FollowsTheStandardRotation) {
    EXPECT_EQ(intx_swizzle(0, kPinIntA), 0);
    EXPECT_EQ(intx_swizzle(0, kPinIntD), 3);
    EXPECT_EQ(intx_swizzle(1, kPinIntA), 1);
    EXPECT_EQ(intx_swizzle(1, kPinIntD), 0);
    EXPECT_EQ(intx_swizzle(3, 2), 0);
    EXPECT_EQ(intx_swizzle(4, kPinIntA), 0);
    EXPECT_EQ(intx_swizzle(31, kPinIntD), 2);
    static_assert(intx_swizzle(2, 3) == 0);
}

TEST(Intx, PendingInterruptDrivesTheLineUnlessDisabled) {
    TestDevice dev;
    auto line = std::make_shared<RecordingIrqLine>();
    dev.connect_intx(line);
    dev.set_intx_pending(true);
    EXPECT_TRUE(line->level());
    EXPECT_TRUE(dev.config_space().status() & status::kInterruptStatus);

    std::array<u8, 2> cmd{};
    store_le(cmd, command::kIntxDisable | command::kMemorySpace);
    dev.config_write(reg::kCommand, cmd);
    EXPECT_FALSE(line->level());
    EXPECT_FALSE(dev.intx_level());
    EXPECT_TRUE(dev.config_space().status() & status::kInterruptStatus); // still reports the condition

    store_le(cmd, command::kMemorySpace);
    dev.config_write(reg::kCommand, cmd);
    EXPECT_TRUE(line->level());
    EXPECT_EQ(line->rising_edges(), 2u);

    dev.set_intx_pending(false);
    EXPECT_FALSE(line->level());
    EXPECT_FALSE(dev.config_space().status() & status::kInterruptStatus);

    // Disabled while raised: the line never rises.
    store_le(cmd, command::kIntxDisable);
    dev.config_write(reg::kCommand, cmd);
    dev.set_intx_pending(true);
    EXPECT_FALSE(line->level());
    EXPECT_EQ(line->rising_edges(), 2u);
}

TEST(Intx, ConnectingALateLineBringsItToTheCurrentLevel) {
    TestDevice dev;
    dev.set_intx_pending(true);
    auto line = std::make_shared<RecordingIrqLine>();
    dev.connect_intx(line);
    EXPECT_TRUE(line->level());
}

TEST(Intx, BusConnectsEachDevicesPinThroughTheRoute) {
    std::vector<std::pair<u8, u8>> routed;
    std::vector<std::shared_ptr<RecordingIrqLine>> lines;
    PciBus bus([&](u8 slot, u8 pin) -> std::shared_ptr<IrqLine> {
        routed.emplace_back(slot, pin);
        lines.push_back(std::make_shared<RecordingIrqLine>());
        return lines.back();
    });
    auto a = std::make_shared<TestDevice>(std::initializer_list<std::pair<u8, BarLayout>>{}, 2);
    auto none = std::make_shared<TestDevice>(std::initializer_list<std::pair<u8, BarLayout>>{}, kPinNone);
    ASSERT_TRUE(bus.add_device(a));
    ASSERT_TRUE(bus.add_device(none));
    EXPECT_EQ(routed, (std::vector<std::pair<u8, u8>>{{1, 2}})); // no pin, no line; the host bridge has none
    a->set_intx_pending(true);
    EXPECT_TRUE(lines[0]->level());
}

TEST(IntxRouter, SharedLinesAreWiredOr) {
    std::array<std::shared_ptr<RecordingIrqLine>, 4> host;
    for (auto& h : host)
        h = std::make_shared<RecordingIrqLine>();
    IntxRouter router({host[0], host[1], host[2], host[3]});
    // Slots 1 and 5 pin A, and slot 4 pin B, all swizzle to host line 1.
    auto a = router.line_for(1, kPinIntA);
    auto b = router.line_for(5, kPinIntA);
    auto c = router.line_for(4, 2);
    auto other = router.line_for(2, kPinIntA);

    a->set_level(true);
    b->set_level(true);
    c->set_level(true);
    EXPECT_TRUE(host[1]->level());
    EXPECT_EQ(host[1]->rising_edges(), 1u);
    a->set_level(false);
    a->set_level(false); // repeated levels count once
    b->set_level(false);
    EXPECT_TRUE(host[1]->level());
    c->set_level(false);
    EXPECT_FALSE(host[1]->level());
    EXPECT_FALSE(router.host_level(1));

    other->set_level(true);
    EXPECT_TRUE(host[2]->level());
    EXPECT_TRUE(router.host_level(2));
    other.reset(); // a dropped input releases the line
    EXPECT_FALSE(host[2]->level());
    EXPECT_FALSE(host[0]->level());
    EXPECT_FALSE(host[3]->level());
}

} // namespace
} // namespace kite::pci
