#include "base/le_bytes.h"
#include "pci/host_bridge.h"
#include "pci/pio_config_host.h"
#include "test_device.h"

#include <array>
#include <gtest/gtest.h>

namespace kite::pci {
namespace {

using testing::TestDevice;

// A byte register that records what reaches it, standing in for a chipset's reset control.
class ByteRegister final : public BusDevice {
public:
    void read(u64 offset, std::span<u8> data) override {
        ++reads;
        last_offset = offset;
        data[0] = value;
    }
    void write(u64 offset, std::span<const u8> data) override {
        ++writes;
        last_offset = offset;
        value = data[0];
    }
    u8 value{0x5a};
    unsigned reads{0};
    unsigned writes{0};
    u64 last_offset{~u64{0}};
};

class PioConfigHostTest : public ::testing::Test {
protected:
    u32 in(u64 offset, std::size_t size) {
        std::array<u8, 4> b{};
        host.read(offset, std::span(b).first(size));
        return static_cast<u32>(load_le(std::span(b).first(size)));
    }
    void out(u64 offset, u32 value, std::size_t size) {
        std::array<u8, 4> b{};
        store_le(b, value);
        host.write(offset, std::span(b).first(size));
    }
    void select(u8 slot, u8 reg, u8 bus_number = 0, u8 function = 0) {
        out(PioConfigHost::kAddressOffset, PioConfigHost::address_of(bus_number, slot, function, reg), 4);
    }

    std::shared_ptr<PciBus> bus = std::make_shared<PciBus>();
    std::shared_ptr<TestDevice> device = std::make_shared<TestDevice>(
        std::initializer_list<std::pair<u8, BarLayout>>{{0, BarLayout{BarKind::Memory32, 0x1000}}});
    std::shared_ptr<ByteRegister> reset = std::make_shared<ByteRegister>();
    PioConfigHost host{bus, reset};
};

TEST_F(PioConfigHostTest, AddressRegisterKeepsEnableBusDeviceFunctionAndRegister) {
    out(0, 0xffff'ffff, 4);
    EXPECT_EQ(in(0, 4), 0x80ff'fffcu); // reserved bits 30:24 and 1:0 read 0
    out(0, PioConfigHost::address_of(1, 2, 3, 0x44), 4);
    EXPECT_EQ(in(0, 4), 0x8001'1344u);
    EXPECT_EQ(host.config_address(), 0x8001'1344u);
}

TEST_F(PioConfigHostTest, ReadsTheHostBridgeAndADeviceThroughTheDataPort) {
    ASSERT_EQ(bus->add_device(device).value(), 1);
    select(0, reg::kVendorId);
    EXPECT_EQ(in(4, 4), u32{HostBridge::kDeviceId} << 16 | HostBridge::kVendorId);
    select(1, reg::kVendorId);
    EXPECT_EQ(in(4, 4), 0x5678'1234u);
    select(1, reg::kSubsystemVendorId);
    EXPECT_EQ(in(4, 4), 0xEF01'ABCDu);
}

TEST_F(PioConfigHostTest, SubDwordDataAccessesReachRegisterPlusN) {
    ASSERT_EQ(bus->add_device(device).value(), 1);
    select(1, reg::kVendorId);
    EXPECT_EQ(in(4, 1), 0x34u);
    EXPECT_EQ(in(5, 1), 0x12u);
    EXPECT_EQ(in(6, 1), 0x78u);
    EXPECT_EQ(in(7, 1), 0x56u);
    EXPECT_EQ(in(4, 2), 0x1234u);
    EXPECT_EQ(in(6, 2), 0x5678u);
    select(1, reg::kInterruptLine);
    out(4, 0xab, 1); // interrupt line
    EXPECT_EQ(in(4, 1), 0xabu);
    EXPECT_EQ(in(5, 1), u32{kPinIntA});
    select(1, reg::kCommand);
    out(4, command::kMemorySpace, 2);
    EXPECT_EQ(device->config_space().command(), command::kMemorySpace);
}

TEST_F(PioConfigHostTest, WritesProgramABarThroughTheDataPort) {
    ASSERT_EQ(bus->add_device(device).value(), 1);
    select(1, reg::kBar0);
    out(4, 0xffff'ffff, 4);
    EXPECT_EQ(in(4, 4), 0xffff'f000u); // the sizing protocol: 4 KiB
    out(4, 0xc000'0000, 4);
    EXPECT_EQ(device->config_space().bar(0)->address, 0xc000'0000u);
    out(6, 0xc010, 2); // the upper half alone
    EXPECT_EQ(device->config_space().bar(0)->address, 0xc010'0000u);
}

TEST_F(PioConfigHostTest, DisabledAddressReadsAllOnesAndDropsWrites) {
    ASSERT_EQ(bus->add_device(device).value(), 1);
    out(0, PioConfigHost::address_of(0, 1, 0, reg::kInterruptLine) & ~PioConfigHost::kEnable, 4);
    EXPECT_EQ(in(4, 4), 0xffff'ffffu);
    out(4, 0x11, 1);
    EXPECT_EQ(device->config_space().interrupt_line(), 0u);
}

TEST_F(PioConfigHostTest, AbsentDevicesFunctionsAndBusesReadAllOnes) {
    select(5, reg::kVendorId);
    EXPECT_EQ(in(4, 4), 0xffff'ffffu);
    EXPECT_EQ(in(4, 2), 0xffffu);
    select(0, reg::kVendorId, 0, 1);
    EXPECT_EQ(in(4, 4), 0xffff'ffffu);
    select(0, reg::kVendorId, 1);
    EXPECT_EQ(in(4, 4), 0xffff'ffffu);
    out(4, 0, 4); // dropped, harmless
    EXPECT_EQ(host.ignored_access_count(), 0u);
}

TEST_F(PioConfigHostTest, OtherAccessesAreIgnoredAndCounted) {
    select(0, reg::kVendorId);
    out(3, 0x01, 1); // Linux's probe of 0xCFB
    out(0, 0x1234, 2);
    EXPECT_EQ(host.config_address(), PioConfigHost::address_of(0, 0, 0, 0));
    EXPECT_EQ(in(0, 1), 0xffu);
    EXPECT_EQ(in(2, 2), 0xffffu);
    EXPECT_EQ(in(5, 2), 0xffffu);      // unaligned word
    EXPECT_EQ(in(6, 4), 0xffff'ffffu); // runs past 0xCFF
    EXPECT_EQ(in(4, 3), 0xff'ffffu);
    EXPECT_EQ(host.ignored_access_count(), 7u);
}

TEST_F(PioConfigHostTest, ByteAccessesToCf9GoToTheResetControl) {
    EXPECT_EQ(in(1, 1), 0x5au);
    out(1, 0x06, 1);
    EXPECT_EQ(reset->writes, 1u);
    EXPECT_EQ(reset->value, 0x06u);
    EXPECT_EQ(reset->last_offset, 0u);
    EXPECT_EQ(in(1, 1), 0x06u);
    EXPECT_EQ(reset->reads, 2u);
    // A dword at 0xCF8 is the address register, not the reset control.
    select(0, reg::kVendorId);
    EXPECT_EQ(reset->writes, 1u);
}

TEST(PioConfigHostNoReset, Cf9WithoutResetControlIsIgnored) {
    PioConfigHost host{std::make_shared<PciBus>()};
    std::array<u8, 1> b{0x06};
    host.write(1, b);
    host.read(1, b);
    EXPECT_EQ(b[0], 0xffu);
    EXPECT_EQ(host.ignored_access_count(), 2u);
}

} // namespace
} // namespace kite::pci
