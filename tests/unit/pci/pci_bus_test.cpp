#include "base/le_bytes.h"
#include "pci/bar_window.h"
#include "pci/ecam_host.h"
#include "pci/host_bridge.h"
#include "pci/pci_bus.h"
#include "test_device.h"

#include <array>
#include <atomic>
#include <gtest/gtest.h>
#include <thread>

namespace kite::pci {
namespace {

using testing::TestDevice;

constexpr u64 kMmioBase = 0x4000'0000; // the window's PCI (and CPU) base

u64 ecam_offset(u64 bus, u64 slot, u64 function, u64 reg) {
    return bus << 20 | slot << 15 | function << 12 | reg;
}

class PciBusTest : public ::testing::Test {
protected:
    u32 cfg_read(u8 slot, u16 reg, std::size_t size = 4, u8 function = 0, u64 bus_number = 0) {
        std::array<u8, 4> b{};
        ecam.read(ecam_offset(bus_number, slot, function, reg), std::span(b).first(size));
        return static_cast<u32>(load_le(std::span(b).first(size)));
    }
    void cfg_write(u8 slot, u16 reg, u32 value, std::size_t size = 4) {
        std::array<u8, 4> b{};
        store_le(b, value);
        ecam.write(ecam_offset(0, slot, 0, reg), std::span(b).first(size));
    }
    u64 window_read(PciBarWindow& window, u64 offset, std::size_t size) {
        std::array<u8, 8> b{};
        window.read(offset, std::span(b).first(size));
        return load_le(std::span(b).first(size));
    }
    void window_write(PciBarWindow& window, u64 offset, u64 value, std::size_t size) {
        std::array<u8, 8> b{};
        store_le(b, value);
        window.write(offset, std::span(b).first(size));
    }

    std::shared_ptr<PciBus> bus = std::make_shared<PciBus>();
    EcamHost ecam{bus};
    PciBarWindow mmio{bus, PciSpace::Memory, kMmioBase};
    PciBarWindow io{bus, PciSpace::Io, 0};
};

TEST_F(PciBusTest, HostBridgeSitsInSlotZero) {
    EXPECT_EQ(cfg_read(0, reg::kVendorId), 0x0008'1B36u);
    EXPECT_EQ(cfg_read(0, reg::kRevisionId) >> 8, HostBridge::kClassCode);
    EXPECT_EQ(cfg_read(0, reg::kHeaderType, 1), 0u);
    EXPECT_EQ(cfg_read(0, reg::kBar0), 0u);
}

TEST_F(PciBusTest, AbsentFunctionsReadAllOnes) {
    EXPECT_EQ(cfg_read(1, reg::kVendorId), 0xFFFF'FFFFu);
    EXPECT_EQ(cfg_read(31, reg::kVendorId, 2), 0xFFFFu);
    EXPECT_EQ(cfg_read(0, reg::kVendorId, 4, 1), 0xFFFF'FFFFu);    // function 1 of the host bridge
    EXPECT_EQ(cfg_read(0, reg::kVendorId, 4, 0, 1), 0xFFFF'FFFFu); // bus 1
    cfg_write(5, reg::kCommand, 0xFFFF);                           // dropped
    EXPECT_EQ(ecam.ignored_access_count(), 0u);
}

TEST_F(PciBusTest, EcamDispatchesToTheSlotsDevice) {
    auto dev = std::make_shared<TestDevice>();
    auto slot = bus->add_device(dev);
    ASSERT_TRUE(slot);
    EXPECT_EQ(*slot, 1);
    EXPECT_EQ(bus->device(1), dev);
    EXPECT_EQ(cfg_read(1, reg::kVendorId), 0x5678'1234u);
    EXPECT_EQ(cfg_read(1, reg::kDeviceId, 2), 0x5678u);
    EXPECT_EQ(cfg_read(1, reg::kRevisionId + 1, 1), 0x30u); // programming interface byte
    EXPECT_EQ(cfg_read(1, reg::kSubsystemVendorId), 0xEF01'ABCDu);
    cfg_write(1, reg::kInterruptLine, 0x21, 1);
    EXPECT_EQ(dev->config_space().interrupt_line(), 0x21);
    EXPECT_EQ(cfg_read(1, reg::kInterruptLine, 2), 0x0121u);
    EXPECT_EQ(cfg_read(1, 0x400), 0u); // extended space of a conventional function
}

TEST_F(PciBusTest, EcamRejectsMisalignedAndOddSizedAccesses) {
    std::array<u8, 4> b{};
    ecam.read(ecam_offset(0, 0, 0, 2), b);
    EXPECT_EQ(load_le(b), 0xFFFF'FFFFu);
    std::array<u8, 2> h{};
    ecam.read(ecam_offset(0, 0, 0, 1), h);
    EXPECT_EQ(load_le(h), 0xFFFFu);
    std::array<u8, 8> q{};
    ecam.read(0, q);
    EXPECT_EQ(load_le(q), ~u64{0});
    std::array<u8, 3> t{};
    ecam.write(ecam_offset(0, 0, 0, reg::kCommand), t);
    EXPECT_EQ(ecam.ignored_access_count(), 4u);
}

TEST_F(PciBusTest, SlotsFillInOrderUntilTheBusIsFull) {
    for (u8 expected = 1; expected < PciBus::kSlotCount; ++expected) {
        auto slot = bus->add_device(std::make_shared<TestDevice>());
        ASSERT_TRUE(slot);
        EXPECT_EQ(*slot, expected);
    }
    EXPECT_FALSE(bus->add_device(std::make_shared<TestDevice>()));
}

TEST_F(PciBusTest, WindowFollowsTheProgrammedMemoryBar) {
    auto dev = std::make_shared<TestDevice>(
        std::initializer_list<std::pair<u8, BarLayout>>{{0, {BarKind::Memory32, 4 * KiB, false}}});
    ASSERT_TRUE(bus->add_device(dev));

    // Unprogrammed and disabled: nothing claims the window.
    EXPECT_EQ(window_read(mmio, 0, 4), 0xFFFF'FFFFu);
    EXPECT_TRUE(dev->reads.empty());

    // Size it, program it, enable memory decoding.
    cfg_write(1, reg::kBar0, 0xFFFF'FFFF);
    EXPECT_EQ(cfg_read(1, reg::kBar0), 0xFFFF'F000u);
    cfg_write(1, reg::kBar0, kMmioBase + 0x10000);
    EXPECT_EQ(window_read(mmio, 0x10000, 4), 0xFFFF'FFFFu); // decoding still off
    cfg_write(1, reg::kCommand, command::kMemorySpace, 2);

    EXPECT_EQ(window_read(mmio, 0x10010, 4), 0x1312'1110u);
    ASSERT_EQ(dev->reads.size(), 1u);
    EXPECT_EQ(dev->reads[0].bar, 0);
    EXPECT_EQ(dev->reads[0].offset, 0x10u);
    window_write(mmio, 0x10ffc, 0xCAFE'F00D, 4);
    ASSERT_EQ(dev->writes.size(), 1u);
    EXPECT_EQ(dev->writes[0].offset, 0xFFCu);
    EXPECT_EQ(dev->writes[0].value, 0xCAFE'F00Du);

    // Past the end, or straddling it: unclaimed.
    EXPECT_EQ(window_read(mmio, 0x11000, 4), 0xFFFF'FFFFu);
    EXPECT_EQ(window_read(mmio, 0x10ffe, 4), 0xFFFF'FFFFu);
    EXPECT_EQ(mmio.unclaimed_count(), 4u);
    EXPECT_EQ(dev->reads.size(), 1u);

    // The guest moves it: the old range goes dead, the new one answers.
    cfg_write(1, reg::kBar0, kMmioBase + 0x200000);
    EXPECT_EQ(window_read(mmio, 0x10010, 4), 0xFFFF'FFFFu);
    EXPECT_EQ(window_read(mmio, 0x200004, 1), 0x04u);
    EXPECT_EQ(dev->reads.back().offset, 4u);

    // Turning memory decoding off unmaps it; I/O space never saw it.
    cfg_write(1, reg::kCommand, 0, 2);
    EXPECT_EQ(window_read(mmio, 0x200004, 1), 0xFFu);
    EXPECT_EQ(window_read(io, kMmioBase + 0x200004, 1), 0xFFu);
}

TEST_F(PciBusTest, WindowDecodes64BitAndIoBars) {
    auto dev = std::make_shared<TestDevice>(std::initializer_list<std::pair<u8, BarLayout>>{
        {0, {BarKind::Io, 64, false}}, {2, {BarKind::Memory64, 1 * MiB, true}}});
    ASSERT_TRUE(bus->add_device(dev));
    ASSERT_TRUE(bus->add_device(std::make_shared<TestDevice>())); // a neighbour without BARs
    cfg_write(1, reg::kBar0, 0x1000);
    cfg_write(1, reg::kBar0 + 8, 0x0030'0000);
    cfg_write(1, reg::kBar0 + 12, 0);
    cfg_write(1, reg::kCommand, command::kIoSpace | command::kMemorySpace, 2);

    EXPECT_EQ(window_read(io, 0x1002, 2), 0x0302u);
    EXPECT_EQ(dev->reads.back().bar, 0);
    EXPECT_EQ(dev->reads.back().offset, 2u);
    window_write(io, 0x103F, 0x5A, 1);
    EXPECT_EQ(dev->writes.back().bar, 0);
    EXPECT_EQ(dev->writes.back().offset, 0x3Fu);

    // A 64-bit BAR below 4 GiB (as Linux places it in a 32-bit window): PCI
    // address 0x300000 lies below this window, so nothing reaches it yet.
    EXPECT_EQ(window_read(mmio, 0x0030'0008, 8), ~u64{0});
    cfg_write(1, reg::kBar0 + 8, static_cast<u32>(kMmioBase + 0x0030'0000));
    EXPECT_EQ(window_read(mmio, 0x0030'0008, 8), 0x0F0E'0D0C'0B0A'0908u);
    EXPECT_EQ(dev->reads.back().bar, 2);
    EXPECT_EQ(dev->reads.back().offset, 8u);

    // Moved above 4 GiB with the upper register: out of this window.
    cfg_write(1, reg::kBar0 + 12, 1);
    EXPECT_EQ(window_read(mmio, 0x0030'0008, 4), 0xFFFF'FFFFu);
    PciBarWindow high(bus, PciSpace::Memory, 0x1'0000'0000);
    EXPECT_EQ(window_read(high, kMmioBase + 0x0030'0000, 1), 0u);
}

TEST_F(PciBusTest, ConcurrentReprogrammingAndAccessesAreSafe) {
    auto dev = std::make_shared<TestDevice>(
        std::initializer_list<std::pair<u8, BarLayout>>{{0, {BarKind::Memory32, 4 * KiB, false}}});
    ASSERT_TRUE(bus->add_device(dev));
    cfg_write(1, reg::kCommand, command::kMemorySpace, 2);
    std::atomic<bool> stop{false};
    // BAR accesses run outside the bus lock, so the device's counters are only touched by one thread here.
    std::thread programmer([&] {
        for (u32 i = 0; i < 2000; ++i)
            cfg_write(1, reg::kBar0, static_cast<u32>(kMmioBase + (i % 2 ? 0x1000 : 0x2000)));
        stop = true;
    });
    u64 claimed = 0, unclaimed = 0;
    while (!stop) {
        u64 v = window_read(mmio, 0x1000, 1);
        (v == 0 ? claimed : unclaimed)++;
    }
    programmer.join();
    EXPECT_EQ(claimed + unclaimed, claimed + mmio.unclaimed_count());
}

} // namespace
} // namespace kite::pci
