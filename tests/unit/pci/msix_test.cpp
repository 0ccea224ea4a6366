#include "base/le_bytes.h"
#include "pci/msix.h"
#include "test_device.h"

#include <array>
#include <gtest/gtest.h>
#include <utility>
#include <vector>

namespace kite::pci {
namespace {

class RecordingMsiSink final : public MsiSink {
public:
    void send_msi(u64 address, u32 data) override { messages.emplace_back(address, data); }
    std::vector<std::pair<u64, u32>> messages;
};

constexpr u64 kTable = 0x1000;
constexpr u64 kPba = 0x1800;

class MsixTest : public ::testing::Test {
protected:
    MsixTest() { cap = msix.add_capability(config); }

    u64 bar_in(u64 offset, std::size_t size) {
        std::array<u8, 8> b{};
        EXPECT_TRUE(msix.bar_read(offset, std::span(b).first(size)));
        return load_le(std::span(b).first(size));
    }
    void bar_out(u64 offset, u64 value, std::size_t size) {
        std::array<u8, 8> b{};
        store_le(b, value);
        EXPECT_TRUE(msix.bar_write(offset, std::span(b).first(size)));
    }
    void control(u16 value) {
        std::array<u8, 2> b{};
        store_le(b, value);
        config.write(static_cast<u16>(cap + MsixTable::kMessageControl), b);
        msix.control_written(config);
    }
    void program(u16 vector, u64 address, u32 data, bool masked) {
        const u64 e = kTable + vector * MsixTable::kEntrySize;
        bar_out(e + MsixTable::kAddressLow, address, 8); // a qword write covers both address halves
        bar_out(e + MsixTable::kData, data, 4);
        bar_out(e + MsixTable::kVectorControl, masked ? 1 : 0, 4);
    }

    std::shared_ptr<RecordingMsiSink> sink = std::make_shared<RecordingMsiSink>();
    ConfigSpace config{testing::test_identity()};
    MsixTable msix{3, 2, kTable, kPba, sink};
    u8 cap{0};
};

TEST_F(MsixTest, CapabilityDescribesTableAndPba) {
    EXPECT_EQ(config.read8(reg::kCapabilitiesPointer), cap);
    EXPECT_EQ(config.read8(cap), MsixTable::kCapabilityId);
    EXPECT_EQ(config.read16(static_cast<u16>(cap + 2)), 2u); // table size - 1
    EXPECT_EQ(config.read32(static_cast<u16>(cap + 4)), kTable | 2);
    EXPECT_EQ(config.read32(static_cast<u16>(cap + 8)), kPba | 2);
    EXPECT_EQ(msix.table_size(), 48u);
    EXPECT_EQ(msix.pba_size(), 8u);
}

TEST_F(MsixTest, OnlyEnableAndFunctionMaskAreWritable) {
    control(0xffff);
    EXPECT_EQ(config.read16(static_cast<u16>(cap + 2)), 0xc002u);
    EXPECT_TRUE(msix.enabled());
    EXPECT_TRUE(msix.function_masked());
    control(0);
    EXPECT_FALSE(msix.enabled());
}

TEST_F(MsixTest, EntriesResetMaskedAndReadBack) {
    for (u16 v = 0; v < 3; ++v)
        EXPECT_TRUE(msix.masked(v));
    program(1, 0xfee0'1003, 0x4041, false); // address bits 1:0 read 0
    EXPECT_EQ(bar_in(kTable + 16, 4), 0xfee0'1000u);
    EXPECT_EQ(bar_in(kTable + 20, 4), 0u);
    EXPECT_EQ(bar_in(kTable + 24, 8), 0x4041u);
    EXPECT_EQ(bar_in(kTable + 28, 4), 0u);
    EXPECT_FALSE(msix.masked(1));
    bar_out(kTable + 28, 0xffff'ffff, 4); // reserved control bits read 0
    EXPECT_EQ(bar_in(kTable + 28, 4), 1u);
}

TEST_F(MsixTest, DisabledNotifyFallsBackToIntx) {
    program(0, 0xfee0'0000, 0x30, false);
    EXPECT_FALSE(msix.notify(0));
    EXPECT_TRUE(sink->messages.empty());
    EXPECT_FALSE(msix.pending(0));
}

TEST_F(MsixTest, UnmaskedVectorSendsItsMessage) {
    program(2, 0x1'fee0'0000, 0x31, false);
    control(MsixTable::kEnable);
    EXPECT_TRUE(msix.notify(2));
    ASSERT_EQ(sink->messages.size(), 1u);
    EXPECT_EQ(sink->messages[0], std::make_pair(u64{0x1'fee0'0000}, u32{0x31}));
    EXPECT_TRUE(msix.notify(7)); // beyond the table: dropped
    EXPECT_EQ(sink->messages.size(), 1u);
}

TEST_F(MsixTest, MaskedVectorPendsUntilUnmasked) {
    program(1, 0xfee0'0000, 0x40, true);
    control(MsixTable::kEnable);
    EXPECT_TRUE(msix.notify(1));
    EXPECT_TRUE(sink->messages.empty());
    EXPECT_TRUE(msix.pending(1));
    EXPECT_EQ(bar_in(kPba, 8), 0b10u);
    EXPECT_EQ(bar_in(kPba, 4), 0b10u);
    bar_out(kTable + 16 + MsixTable::kVectorControl, 0, 4);
    ASSERT_EQ(sink->messages.size(), 1u);
    EXPECT_EQ(sink->messages[0].second, 0x40u);
    EXPECT_FALSE(msix.pending(1));
    EXPECT_EQ(bar_in(kPba, 8), 0u);
}

TEST_F(MsixTest, FunctionMaskHoldsEveryVector) {
    program(0, 0xfee0'0000, 0x50, false);
    program(2, 0xfee0'0000, 0x52, false);
    control(MsixTable::kEnable | MsixTable::kFunctionMask);
    msix.notify(0);
    msix.notify(2);
    EXPECT_TRUE(sink->messages.empty());
    EXPECT_EQ(bar_in(kPba, 8), 0b101u);
    control(MsixTable::kEnable);
    ASSERT_EQ(sink->messages.size(), 2u);
    EXPECT_EQ(sink->messages[0].second, 0x50u);
    EXPECT_EQ(sink->messages[1].second, 0x52u);
    EXPECT_EQ(bar_in(kPba, 8), 0u);
}

TEST_F(MsixTest, PbaIsReadOnlyAndOddAccessesAreIgnored) {
    program(0, 0xfee0'0000, 0x60, true);
    control(MsixTable::kEnable);
    msix.notify(0);
    bar_out(kPba, 0, 8);
    EXPECT_TRUE(msix.pending(0));
    bar_out(kTable + 2, 0xffff, 2); // not a dword
    bar_out(kTable + 4, 0, 8);      // qword not qword-aligned
    EXPECT_EQ(bar_in(kTable + 1, 1), 0u);
    EXPECT_EQ(msix.ignored_access_count(), 4u);
    EXPECT_EQ(bar_in(kTable, 4), 0xfee0'0000u);
}

TEST_F(MsixTest, AccessesOutsideTableAndPbaAreNotClaimed) {
    std::array<u8, 4> b{};
    EXPECT_FALSE(msix.bar_read(0, b));
    EXPECT_FALSE(msix.bar_read(kTable + 48, b));
    EXPECT_FALSE(msix.bar_write(kPba + 8, b));
    EXPECT_FALSE(msix.bar_read(kTable + 46, b)); // straddles the end
}

} // namespace
} // namespace kite::pci
