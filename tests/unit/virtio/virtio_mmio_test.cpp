#include "mmio_driver.h"
#include "mock_driver.h"
#include "virtio/mmio/virtio_mmio.h"
#include "virtio/rng/virtio_rng.h"

#include <array>
#include <gtest/gtest.h>

namespace kite::virtio {
namespace {

using testing::kRamBase;
using testing::make_memory;
using testing::MmioDriver;
using testing::MockDriver;
using testing::must;
using R = VirtioMmio::Register;

constexpr u64 kData = kRamBase + 1 * MiB;

// Deterministic "entropy": 0, 1, 2, ... continuing across calls.
VirtioRng::EntropySource counting_source() {
    auto next = std::make_shared<u8>(0);
    return [next](std::span<u8> out) -> Result<void> {
        for (u8& b : out)
            b = (*next)++;
        return {};
    };
}

class VirtioMmioTest : public ::testing::Test {
protected:
    u32 r32(u64 offset) { return regs.r32(offset); }
    void w32(u64 offset, u32 v) { regs.w32(offset, v); }
    void w64(u64 low, u64 v) { regs.w64(low, v); }
    void init_driver(u64 wanted_features) { regs.init(driver, wanted_features, VirtioRng::kQueueSize); }

    GuestMemory memory = make_memory();
    MockDriver driver = MockDriver::at(memory, 16);
    std::shared_ptr<VirtioRng> rng = std::make_shared<VirtioRng>(memory, counting_source());
    std::shared_ptr<RecordingIrqLine> irq = std::make_shared<RecordingIrqLine>();
    VirtioMmio mmio{rng, irq};
    MmioDriver regs{mmio};
};

TEST_F(VirtioMmioTest, IdentityRegisters) {
    EXPECT_EQ(r32(R::kMagic), 0x74726976u);
    EXPECT_EQ(r32(R::kVersionReg), 2u);
    EXPECT_EQ(r32(R::kDeviceId), 4u);
    EXPECT_EQ(r32(R::kVendorIdReg), 0x4554494Bu);
    EXPECT_EQ(r32(R::kConfigGeneration), 0u);
    EXPECT_EQ(r32(R::kShmLenLow), 0xFFFF'FFFFu);
    EXPECT_EQ(r32(R::kShmLenHigh), 0xFFFF'FFFFu);
}

TEST_F(VirtioMmioTest, FeatureWindows) {
    w32(R::kDeviceFeaturesSel, 0);
    EXPECT_EQ(r32(R::kDeviceFeatures), static_cast<u32>(feature::kIndirectDesc | feature::kRingEventIdx));
    w32(R::kDeviceFeaturesSel, 1);
    EXPECT_EQ(r32(R::kDeviceFeatures), 1u); // VERSION_1 is bit 32
    w32(R::kDeviceFeaturesSel, 2);
    EXPECT_EQ(r32(R::kDeviceFeatures), 0u);
}

TEST_F(VirtioMmioTest, FullInitNotifyUsedRingAndInterrupt) {
    init_driver(feature::kVersion1);
    u16 head = driver.add_chain({}, {{kData, 16}, {kData + 0x100, 8}});
    driver.publish(head);
    EXPECT_FALSE(irq->level());
    w32(R::kQueueNotify, 0);

    auto used = driver.take_used();
    ASSERT_TRUE(used);
    EXPECT_EQ(used->id, head);
    EXPECT_EQ(used->len, 24u);
    std::array<u8, 16> first{};
    must(memory.read(GuestAddress(kData), first));
    EXPECT_EQ(first[0], 0);
    EXPECT_EQ(first[15], 15);
    EXPECT_EQ(must(memory.read_obj<u8>(GuestAddress(kData + 0x100))), 16);

    EXPECT_EQ(r32(R::kInterruptStatus), VirtioMmio::kInterruptUsedBuffer);
    EXPECT_TRUE(irq->level());
    EXPECT_EQ(irq->rising_edges(), 1u);
    w32(R::kInterruptAck, VirtioMmio::kInterruptUsedBuffer);
    EXPECT_EQ(r32(R::kInterruptStatus), 0u);
    EXPECT_FALSE(irq->level());
}

TEST_F(VirtioMmioTest, ResetThroughStatusClearsQueuesAndInterrupts) {
    init_driver(feature::kVersion1);
    driver.publish(driver.add_chain({}, {{kData, 4}}));
    w32(R::kQueueNotify, 0);
    ASSERT_TRUE(irq->level());
    w32(R::kStatus, 0);
    EXPECT_EQ(r32(R::kStatus), 0u);
    EXPECT_EQ(r32(R::kInterruptStatus), 0u);
    EXPECT_FALSE(irq->level());
    EXPECT_EQ(r32(R::kQueueReady), 0u);
    EXPECT_EQ(r32(R::kQueueNum), VirtioRng::kQueueSize);
}

TEST_F(VirtioMmioTest, QueueReadyZeroDisablesTheQueue) {
    init_driver(feature::kVersion1);
    w32(R::kQueueReady, 0);
    EXPECT_EQ(r32(R::kQueueReady), 0u);
}

TEST_F(VirtioMmioTest, QueueConfigurationIsFrozenWhileReady) {
    init_driver(feature::kVersion1);
    u64 before = mmio.ignored_access_count();
    w32(R::kQueueNum, 4);
    w32(R::kQueueDescLow, 0);
    EXPECT_EQ(r32(R::kQueueNum), 16u);
    EXPECT_EQ(r32(R::kQueueDescLow), static_cast<u32>(driver.desc_addr().value));
    EXPECT_EQ(mmio.ignored_access_count(), before + 2);
}

TEST_F(VirtioMmioTest, NonexistentQueue) {
    w32(R::kQueueSel, 1);
    EXPECT_EQ(r32(R::kQueueNumMax), 0u);
    EXPECT_EQ(r32(R::kQueueReady), 0u);
    u64 before = mmio.ignored_access_count();
    w32(R::kQueueReady, 1);
    w32(R::kQueueNum, 4);
    EXPECT_EQ(mmio.ignored_access_count(), before + 2);
    w32(R::kQueueNotify, 1); // counted by the device
    w32(R::kQueueNotify, 0x10000);
    EXPECT_EQ(mmio.ignored_access_count(), before + 3);
}

TEST_F(VirtioMmioTest, BadAccessesAreCountedAndIgnored) {
    std::array<u8, 2> half{0xFF, 0xFF};
    mmio.read(R::kMagic, half); // 16-bit register read
    EXPECT_EQ(half, (std::array<u8, 2>{0, 0}));
    std::array<u8, 4> word{0xFF, 0xFF, 0xFF, 0xFF};
    mmio.read(R::kMagic + 2, word); // misaligned
    EXPECT_EQ(word, (std::array<u8, 4>{}));
    std::array<u8, 8> dword{};
    mmio.read(R::kMagic, dword);              // 64-bit
    mmio.read(VirtioMmio::kLength, word);     // outside the window
    mmio.read(VirtioMmio::kLength - 2, word); // straddles its end
    mmio.write(R::kStatus, half);
    w32(R::kMagic, 0);                // read-only
    EXPECT_EQ(r32(R::kQueueSel), 0u); // write-only
    EXPECT_EQ(mmio.ignored_access_count(), 8u);
    EXPECT_EQ(r32(R::kStatus), 0u);
    EXPECT_EQ(r32(R::kMagic), VirtioMmio::kMagicValue);
}

TEST_F(VirtioMmioTest, ConfigSpaceOfAnRngIsEmpty) {
    std::array<u8, 1> b{0xFF};
    mmio.read(VirtioMmio::kConfigOffset, b);
    EXPECT_EQ(b[0], 0);
    EXPECT_EQ(rng->protocol_error_count(), 1u);
}

TEST_F(VirtioMmioTest, FeaturesOkRefusedForUnofferedFeatures) {
    w32(R::kStatus, status::kAcknowledge);
    w32(R::kStatus, status::kAcknowledge | status::kDriver);
    w32(R::kDriverFeaturesSel, 1);
    w32(R::kDriverFeatures, 1 | 8); // VERSION_1 and RING_PACKED (not offered)
    w32(R::kStatus, status::kAcknowledge | status::kDriver | status::kFeaturesOk);
    EXPECT_EQ(r32(R::kStatus), static_cast<u32>(status::kAcknowledge | status::kDriver));
}

TEST_F(VirtioMmioTest, BadChainSetsNeedsResetAndConfigInterrupt) {
    init_driver(feature::kVersion1);
    driver.publish(42); // head outside the queue
    w32(R::kQueueNotify, 0);
    EXPECT_TRUE(r32(R::kStatus) & status::kNeedsReset);
    EXPECT_EQ(r32(R::kInterruptStatus), VirtioMmio::kInterruptConfigChange);
    EXPECT_TRUE(irq->level());
    // Linux reads the status and resets.
    w32(R::kStatus, 0);
    EXPECT_EQ(r32(R::kStatus), 0u);
    EXPECT_FALSE(irq->level());
    MockDriver fresh = MockDriver::at(memory, 16);
    init_driver(feature::kVersion1);
    fresh.publish(fresh.add_chain({}, {{kData, 4}}));
    w32(R::kQueueNotify, 0);
    EXPECT_EQ(fresh.used_idx(), 1);
}

TEST_F(VirtioMmioTest, BadQueueAddressSetsNeedsReset) {
    w32(R::kStatus, status::kAcknowledge);
    w32(R::kStatus, status::kAcknowledge | status::kDriver);
    w32(R::kDriverFeaturesSel, 1);
    w32(R::kDriverFeatures, 1);
    w32(R::kStatus, status::kAcknowledge | status::kDriver | status::kFeaturesOk);
    w32(R::kQueueNum, 16);
    w64(R::kQueueDescLow, 0x1000); // not RAM
    w64(R::kQueueDriverLow, driver.avail_addr().value);
    w64(R::kQueueDeviceLow, driver.used_addr().value);
    w32(R::kQueueReady, 1);
    EXPECT_EQ(r32(R::kQueueReady), 0u);
    EXPECT_TRUE(r32(R::kStatus) & status::kNeedsReset);
}

TEST_F(VirtioMmioTest, EventIdxSuppressesInterrupts) {
    init_driver(feature::kVersion1 | feature::kRingEventIdx);
    driver.set_used_event(1);
    driver.publish(driver.add_chain({}, {{kData, 4}}));
    w32(R::kQueueNotify, 0);
    EXPECT_EQ(driver.used_idx(), 1);
    EXPECT_EQ(r32(R::kInterruptStatus), 0u);
    EXPECT_EQ(driver.avail_event(), 1); // the device asks to be kicked for the next one
    driver.publish(driver.add_chain({}, {{kData, 4}}));
    w32(R::kQueueNotify, 0);
    EXPECT_EQ(r32(R::kInterruptStatus), VirtioMmio::kInterruptUsedBuffer);
}

} // namespace
} // namespace kite::virtio
