#include "base/le_bytes.h"
#include "pci/config_space.h"

#include <array>
#include <gtest/gtest.h>
#include <vector>

namespace kite::pci {
namespace {

PciIdentity identity() {
    return PciIdentity{.vendor_id = 0x1AF4,
                       .device_id = 0x1044,
                       .class_code = 0xFF'00'00,
                       .revision = 1,
                       .subsystem_vendor_id = 0x1AF4,
                       .subsystem_id = 0x1044,
                       .interrupt_pin = kPinIntA};
}

u32 r32(const ConfigSpace& cs, u16 offset) {
    std::array<u8, 4> b{};
    cs.read(offset, b);
    return static_cast<u32>(load_le(b));
}
u16 r16(const ConfigSpace& cs, u16 offset) {
    std::array<u8, 2> b{};
    cs.read(offset, b);
    return static_cast<u16>(load_le(b));
}
void w32(ConfigSpace& cs, u16 offset, u32 v) {
    std::array<u8, 4> b{};
    store_le(b, v);
    cs.write(offset, b);
}
void w16(ConfigSpace& cs, u16 offset, u16 v) {
    std::array<u8, 2> b{};
    store_le(b, v);
    cs.write(offset, b);
}

TEST(ConfigSpace, HeaderIdentifiesTheFunction) {
    ConfigSpace cs(identity());
    EXPECT_EQ(r16(cs, reg::kVendorId), 0x1AF4);
    EXPECT_EQ(r16(cs, reg::kDeviceId), 0x1044);
    EXPECT_EQ(r32(cs, reg::kRevisionId), 0xFF00'0001u); // revision in the low byte, class above
    EXPECT_EQ(cs.read8(reg::kHeaderType), 0);
    EXPECT_EQ(r16(cs, reg::kSubsystemVendorId), 0x1AF4);
    EXPECT_EQ(r16(cs, reg::kSubsystemId), 0x1044);
    EXPECT_EQ(cs.interrupt_pin(), kPinIntA);
    EXPECT_EQ(r16(cs, reg::kStatus), 0); // no capabilities yet
    EXPECT_EQ(cs.read8(reg::kCapabilitiesPointer), 0);
}

TEST(ConfigSpace, ReadOnlyRegistersIgnoreWrites) {
    ConfigSpace cs(identity());
    w32(cs, reg::kVendorId, 0xFFFF'FFFF);
    w32(cs, reg::kRevisionId, 0);
    w32(cs, reg::kSubsystemVendorId, 0);
    w32(cs, reg::kExpansionRom, 0xFFFF'FFFF);
    w32(cs, reg::kBar0, 0xFFFF'FFFF); // no BAR declared: reads 0
    cs.write(reg::kInterruptPin, std::array<u8, 1>{3});
    EXPECT_EQ(r32(cs, reg::kVendorId), 0x1044'1AF4u);
    EXPECT_EQ(r32(cs, reg::kRevisionId), 0xFF00'0001u);
    EXPECT_EQ(r32(cs, reg::kSubsystemVendorId), 0x1044'1AF4u);
    EXPECT_EQ(r32(cs, reg::kExpansionRom), 0u);
    EXPECT_EQ(r32(cs, reg::kBar0), 0u);
    EXPECT_EQ(cs.interrupt_pin(), kPinIntA);
}

TEST(ConfigSpace, CommandTakesOnlyItsDefinedBits) {
    ConfigSpace cs(identity());
    w16(cs, reg::kCommand, 0xFFFF);
    EXPECT_EQ(cs.command(), command::kWritable);
    EXPECT_TRUE(cs.memory_enabled());
    EXPECT_TRUE(cs.io_enabled());
    EXPECT_TRUE(cs.bus_master());
    EXPECT_TRUE(cs.intx_disabled());
    w16(cs, reg::kCommand, command::kMemorySpace);
    EXPECT_EQ(cs.command(), command::kMemorySpace);
    EXPECT_FALSE(cs.intx_disabled());
}

TEST(ConfigSpace, StatusErrorBitsAreWriteOneToClear) {
    ConfigSpace cs(identity());
    const u16 errors = status::kReceivedMasterAbort | status::kDetectedParityError;
    std::array<u8, 2> raw{};
    store_le(raw, errors);
    cs.store(reg::kStatus, raw); // the device records the errors
    cs.set_interrupt_status(true);
    w16(cs, reg::kStatus, 0); // writing 0 changes nothing
    EXPECT_EQ(cs.status(), errors | status::kInterruptStatus);
    w16(cs, reg::kStatus,
        status::kReceivedMasterAbort | status::kInterruptStatus | status::kCapabilitiesList);
    EXPECT_EQ(cs.status(), status::kDetectedParityError | status::kInterruptStatus);
    w16(cs, reg::kStatus, 0xFFFF);
    EXPECT_EQ(cs.status(), status::kInterruptStatus); // read-only bits survive
}

TEST(ConfigSpace, InterruptLineIsWritableAndByteAccessesWork) {
    ConfigSpace cs(identity());
    cs.write(reg::kInterruptLine, std::array<u8, 1>{0x2A});
    EXPECT_EQ(cs.interrupt_line(), 0x2A);
    EXPECT_EQ(r32(cs, reg::kInterruptLine), 0x0000'012Au);
    cs.write(reg::kCacheLineSize, std::array<u8, 1>{0x10});
    EXPECT_EQ(cs.read8(reg::kCacheLineSize), 0x10);
}

TEST(ConfigSpace, Memory32BarSizing) {
    ConfigSpace cs(identity());
    cs.add_bar(0, BarLayout{.kind = BarKind::Memory32, .size = 16 * KiB});
    EXPECT_EQ(r32(cs, reg::kBar0), 0u);
    w32(cs, reg::kBar0, 0xFFFF'FFFF);
    EXPECT_EQ(r32(cs, reg::kBar0), 0xFFFF'C000u); // size 16 KiB, 32-bit, not prefetchable
    w32(cs, reg::kBar0, 0x4001'2345);
    EXPECT_EQ(r32(cs, reg::kBar0), 0x4001'0000u); // low address bits are hardwired to 0
    auto bar = cs.bar(0);
    ASSERT_TRUE(bar);
    EXPECT_EQ(bar->kind, BarKind::Memory32);
    EXPECT_EQ(bar->size, 16 * KiB);
    EXPECT_EQ(bar->address, 0x4001'0000u);
    EXPECT_FALSE(bar->enabled);
    w16(cs, reg::kCommand, command::kMemorySpace);
    EXPECT_TRUE(cs.bar(0)->enabled);
    w16(cs, reg::kCommand, command::kIoSpace);
    EXPECT_FALSE(cs.bar(0)->enabled);
}

TEST(ConfigSpace, PrefetchableMemory32BarShowsItsTypeBits) {
    ConfigSpace cs(identity());
    cs.add_bar(5, BarLayout{.kind = BarKind::Memory32, .size = 1 * MiB, .prefetchable = true});
    const u16 at = reg::kBar0 + 4 * 5;
    EXPECT_EQ(r32(cs, at), 0x8u);
    w32(cs, at, 0xFFFF'FFFF);
    EXPECT_EQ(r32(cs, at), 0xFFF0'0008u);
}

TEST(ConfigSpace, Memory64BarSizingUsesTheRegisterPair) {
    ConfigSpace cs(identity());
    cs.add_bar(2, BarLayout{.kind = BarKind::Memory64, .size = 8 * GiB, .prefetchable = true});
    const u16 lo = reg::kBar0 + 8, hi = reg::kBar0 + 12;
    EXPECT_EQ(r32(cs, lo), 0xCu); // 64-bit, prefetchable
    w32(cs, lo, 0xFFFF'FFFF);
    w32(cs, hi, 0xFFFF'FFFF);
    EXPECT_EQ(r32(cs, lo), 0x0000'000Cu);
    EXPECT_EQ(r32(cs, hi), 0xFFFF'FFFEu); // 8 GiB: address bit 33 and up
    w32(cs, lo, 0);
    w32(cs, hi, 0x4);
    auto bar = cs.bar(2);
    ASSERT_TRUE(bar);
    EXPECT_EQ(bar->kind, BarKind::Memory64);
    EXPECT_TRUE(bar->prefetchable);
    EXPECT_EQ(bar->address, 0x4'0000'0000u);
    EXPECT_FALSE(cs.bar(3)); // the upper half is no BAR of its own
    EXPECT_EQ(cs.bars().size(), 1u);
}

TEST(ConfigSpace, SmallMemory64BarSizesInTheLowRegister) {
    ConfigSpace cs(identity());
    cs.add_bar(0, BarLayout{.kind = BarKind::Memory64, .size = 4 * KiB});
    w32(cs, reg::kBar0, 0xFFFF'FFFF);
    w32(cs, reg::kBar0 + 4, 0xFFFF'FFFF);
    EXPECT_EQ(r32(cs, reg::kBar0), 0xFFFF'F004u);
    EXPECT_EQ(r32(cs, reg::kBar0 + 4), 0xFFFF'FFFFu);
    w32(cs, reg::kBar0, 0x8000'1000);
    w32(cs, reg::kBar0 + 4, 0x1);
    EXPECT_EQ(cs.bar(0)->address, 0x1'8000'1000u);
}

TEST(ConfigSpace, IoBarSizing) {
    ConfigSpace cs(identity());
    cs.add_bar(1, BarLayout{.kind = BarKind::Io, .size = 32});
    const u16 at = reg::kBar0 + 4;
    EXPECT_EQ(r32(cs, at), 0x1u);
    w32(cs, at, 0xFFFF'FFFF);
    EXPECT_EQ(r32(cs, at), 0xFFFF'FFE1u);
    w32(cs, at, 0x1040);
    EXPECT_EQ(r32(cs, at), 0x1041u);
    auto bar = cs.bar(1);
    ASSERT_TRUE(bar);
    EXPECT_EQ(bar->kind, BarKind::Io);
    EXPECT_EQ(bar->address, 0x1040u);
    EXPECT_FALSE(bar->enabled);
    w16(cs, reg::kCommand, command::kIoSpace);
    EXPECT_TRUE(cs.bar(1)->enabled);
}

TEST(ConfigSpace, BarLayoutValidity) {
    EXPECT_TRUE((BarLayout{BarKind::Memory32, 16, false}.valid()));
    EXPECT_FALSE((BarLayout{BarKind::Memory32, 8, false}.valid()));
    EXPECT_FALSE((BarLayout{BarKind::Memory32, 3 * KiB, false}.valid()));
    EXPECT_FALSE((BarLayout{BarKind::Memory32, 4 * GiB, false}.valid()));
    EXPECT_TRUE((BarLayout{BarKind::Memory64, 4 * GiB, false}.valid()));
    EXPECT_TRUE((BarLayout{BarKind::Io, 4, false}.valid()));
    EXPECT_FALSE((BarLayout{BarKind::Io, 512, false}.valid()));
    EXPECT_FALSE((BarLayout{BarKind::Io, 16, true}.valid()));
}

TEST(ConfigSpace, CapabilitiesChainFrom0x40AlignedTo4) {
    ConfigSpace cs(identity());
    const std::array<u8, 3> a{0xA1, 0xA2, 0xA3}; // 5 bytes with the header: next one at 0x48
    const std::array<u8, 2> b{0xB1, 0xB2};       // exactly 4 bytes
    const std::array<u8, 14> c{};
    const u8 first = cs.add_capability(0x09, a);
    const u8 second = cs.add_capability(0x05, b);
    const u8 third = cs.add_capability(0x09, c);
    EXPECT_EQ(first, 0x40);
    EXPECT_EQ(second, 0x48);
    EXPECT_EQ(third, 0x4C);
    EXPECT_TRUE(cs.status() & status::kCapabilitiesList);
    EXPECT_EQ(cs.read8(reg::kCapabilitiesPointer), 0x40);

    // Walk the list as a driver does.
    std::vector<std::pair<u8, u8>> found; // (offset, id)
    for (u8 at = cs.read8(reg::kCapabilitiesPointer); at != 0; at = cs.read8(at + 1)) {
        EXPECT_EQ(at % 4, 0);
        found.emplace_back(at, cs.read8(at));
        ASSERT_LT(found.size(), 10u);
    }
    EXPECT_EQ(found, (std::vector<std::pair<u8, u8>>{{0x40, 0x09}, {0x48, 0x05}, {0x4C, 0x09}}));
    EXPECT_EQ(r32(cs, 0x40), 0xA2A1'4809u);
    EXPECT_EQ(cs.read8(0x44), 0xA3);

    // Bodies and next pointers are read-only unless made writable.
    w32(cs, 0x40, 0);
    EXPECT_EQ(r32(cs, 0x40), 0xA2A1'4809u);
    cs.set_writable(0x4A, std::array<u8, 1>{0x0F});
    cs.write(0x4A, std::array<u8, 1>{0xFF});
    EXPECT_EQ(cs.read8(0x4A), 0xBF);
}

TEST(ConfigSpace, ExtendedSpaceReadsZero) {
    ConfigSpace cs(identity());
    EXPECT_EQ(r32(cs, 0x100), 0u);
    EXPECT_EQ(r32(cs, 0xFFC), 0u);
    w32(cs, 0x100, 0xFFFF'FFFF);
    EXPECT_EQ(r32(cs, 0x100), 0u);
    EXPECT_EQ(r32(cs, 0xFE), 0u); // straddling the end
}

} // namespace
} // namespace kite::pci
