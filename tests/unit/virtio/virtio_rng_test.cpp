#include "mmio_driver.h"
#include "mock_driver.h"
#include "virtio/mmio/virtio_mmio.h"
#include "virtio/rng/virtio_rng.h"

#include <algorithm>
#include <array>
#include <gtest/gtest.h>
#include <vector>

namespace kite::virtio {
namespace {

using testing::kRamBase;
using testing::make_memory;
using testing::MmioDriver;
using testing::MockDriver;
using testing::must;
using R = VirtioMmio::Register;

constexpr u64 kData = kRamBase + 1 * MiB;

// End to end: a mock guest driver drives virtio-rng through the mmio registers.
class VirtioRngTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_NO_FATAL_FAILURE(regs.init(driver, feature::kVersion1, VirtioRng::kQueueSize));
    }
    u32 r32(u64 offset) { return regs.r32(offset); }
    void w32(u64 offset, u32 v) { regs.w32(offset, v); }

    GuestMemory memory = make_memory();
    MockDriver driver = MockDriver::at(memory, 8);
    u64 source_calls = 0;
    std::shared_ptr<VirtioRng> rng =
        std::make_shared<VirtioRng>(memory, [this](std::span<u8> out) -> Result<void> {
            ++source_calls;
            std::ranges::fill(out, u8{0x5A});
            return {};
        });
    std::shared_ptr<RecordingIrqLine> irq = std::make_shared<RecordingIrqLine>();
    VirtioMmio mmio{rng, irq};
    MmioDriver regs{mmio};
};

TEST_F(VirtioRngTest, FillsEveryWritableSegment) {
    must(memory.fill(GuestAddress(kData), 0, 0x1000));
    u16 head = driver.add_chain({}, {{kData, 10}, {kData + 0x100, 20}, {kData + 0x200, 30}});
    driver.publish(head);
    w32(R::kQueueNotify, 0);
    auto used = driver.take_used();
    ASSERT_TRUE(used);
    EXPECT_EQ(used->id, head);
    EXPECT_EQ(used->len, 60u);
    std::vector<u8> got(0x300);
    must(memory.read(GuestAddress(kData), got));
    EXPECT_TRUE(std::all_of(got.begin(), got.begin() + 10, [](u8 b) { return b == 0x5A; }));
    EXPECT_EQ(got[10], 0);
    EXPECT_TRUE(std::all_of(got.begin() + 0x100, got.begin() + 0x114, [](u8 b) { return b == 0x5A; }));
    EXPECT_EQ(got[0x114], 0);
    EXPECT_TRUE(std::all_of(got.begin() + 0x200, got.begin() + 0x21E, [](u8 b) { return b == 0x5A; }));
    EXPECT_EQ(got[0x21E], 0);
    EXPECT_EQ(rng->bytes_served(), 60u);
    EXPECT_TRUE(irq->level());
}

TEST_F(VirtioRngTest, RequestIsCappedAt64KiB) {
    u16 head = driver.add_chain({}, {{kData, 100 * 1024}});
    driver.publish(head);
    w32(R::kQueueNotify, 0);
    auto used = driver.take_used();
    ASSERT_TRUE(used);
    EXPECT_EQ(used->len, VirtioRng::kMaxBytesPerRequest);
    EXPECT_EQ(must(memory.read_obj<u8>(GuestAddress(kData + 64 * 1024 - 1))), 0x5A);
    EXPECT_EQ(must(memory.read_obj<u8>(GuestAddress(kData + 64 * 1024))), 0);
}

TEST_F(VirtioRngTest, ServesSeveralRequestsPerKickAndAcrossWrap) {
    for (int round = 0; round < 5; ++round) {
        std::vector<u16> heads;
        for (int i = 0; i < 6; ++i) {
            heads.push_back(driver.add_chain({}, {{kData + 0x1000 * i, 16}}));
            driver.publish(heads.back());
        }
        w32(R::kQueueNotify, 0);
        for (u16 h : heads) {
            auto used = driver.take_used();
            ASSERT_TRUE(used);
            EXPECT_EQ(used->id, h);
            EXPECT_EQ(used->len, 16u);
        }
        EXPECT_FALSE(driver.take_used());
        w32(R::kInterruptAck, r32(R::kInterruptStatus));
    }
    EXPECT_EQ(driver.used_idx(), 30);
}

TEST_F(VirtioRngTest, ReadableOnlyChainGetsZeroBytes) {
    u16 head = driver.add_chain({{kData, 16}}, {});
    driver.publish(head);
    w32(R::kQueueNotify, 0);
    auto used = driver.take_used();
    ASSERT_TRUE(used);
    EXPECT_EQ(used->len, 0u);
    EXPECT_EQ(source_calls, 0u);
    EXPECT_FALSE(rng->needs_reset());
}

TEST_F(VirtioRngTest, MalformedChainPutsDeviceInNeedsReset) {
    driver.publish(driver.add_chain({}, {{kRamBase + testing::kRamSize, 16}}));
    w32(R::kQueueNotify, 0);
    EXPECT_TRUE(r32(R::kStatus) & status::kNeedsReset);
    EXPECT_EQ(driver.used_idx(), 0);
    EXPECT_EQ(r32(R::kInterruptStatus), VirtioMmio::kInterruptConfigChange);
}

TEST_F(VirtioRngTest, HostFailureReturnsAnEmptyBuffer) {
    GuestMemory mem = make_memory();
    MockDriver d = MockDriver::at(mem, 8);
    auto failing =
        std::make_shared<VirtioRng>(mem, [](std::span<u8>) -> Result<void> { return error("no entropy"); });
    VirtioMmio m(failing, nullptr);
    MmioDriver failing_regs(m);
    ASSERT_NO_FATAL_FAILURE(failing_regs.init(d, feature::kVersion1, VirtioRng::kQueueSize));
    d.publish(d.add_chain({}, {{kData, 16}}));
    failing_regs.w32(R::kQueueNotify, 0);
    auto used = d.take_used();
    ASSERT_TRUE(used);
    EXPECT_EQ(used->len, 0u);
    EXPECT_FALSE(failing->needs_reset());
    EXPECT_EQ(m.interrupt_status(), VirtioMmio::kInterruptUsedBuffer);
}

TEST(VirtioRngHost, GetrandomFillsTheBuffer) {
    std::array<u8, 64> a{}, b{};
    ASSERT_TRUE(VirtioRng::host_entropy(a));
    ASSERT_TRUE(VirtioRng::host_entropy(b));
    EXPECT_NE(a, b);
}

} // namespace
} // namespace kite::virtio
