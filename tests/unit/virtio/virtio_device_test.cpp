#include "mock_driver.h"
#include "virtio/device/virtio_device.h"

#include <array>
#include <gtest/gtest.h>

namespace kite::virtio {
namespace {

using testing::kRamBase;
using testing::make_memory;
using testing::MockDriver;
using testing::must;

constexpr u64 kData = kRamBase + 1 * MiB;
constexpr u64 kModelFeature = 1ull << 5;
constexpr u16 kQueueSizes[] = {16, 8};

// A device with two queues and an 8-byte config space that records what the base calls.
class TestDevice final : public VirtioDevice {
public:
    explicit TestDevice(const GuestMemory& memory)
        : VirtioDevice(DeviceId::Console, "test", kModelFeature, memory, kQueueSizes) {}

    std::vector<u16> processed;
    int activations{0};
    int resets{0};
    bool refuse_model_feature{false};
    std::array<u8, 8> config{1, 2, 3, 4, 5, 6, 7, 8};

    // Serves each chain by writing one 0xAB byte.
    void process_queue(u16 index) override {
        processed.push_back(index);
        serve_queue(index, [this](const DescriptorChain& chain) -> Result<u32> {
            u8 byte = 0xAB;
            return static_cast<u32>(TRY(chain.write_at(memory(), 0, std::span<const u8>(&byte, 1))));
        });
    }
    void change_config() { config_changed(); }

protected:
    u64 config_size() const override { return config.size(); }
    void read_device_config(u64 offset, std::span<u8> data) override {
        std::copy_n(config.begin() + offset, data.size(), data.begin());
    }
    void write_device_config(u64 offset, std::span<const u8> data) override {
        std::copy(data.begin(), data.end(), config.begin() + offset);
    }
    bool accept_features(u64 f) const override { return !(refuse_model_feature && (f & kModelFeature)); }
    void activate() override { ++activations; }
    void on_reset() override { ++resets; }
};

class RecordingSink final : public InterruptSink {
public:
    std::vector<u16> used;
    int config_changes{0};
    void used_buffer_notification(u16 q) override { used.push_back(q); }
    void config_change_notification() override { ++config_changes; }
};

class VirtioDeviceTest : public ::testing::Test {
protected:
    void SetUp() override { dev.set_interrupt_sink(&sink); }

    // ACKNOWLEDGE, DRIVER, features, FEATURES_OK; returns whether FEATURES_OK stuck.
    bool negotiate(u64 features) {
        dev.set_status(status::kAcknowledge);
        dev.set_status(status::kAcknowledge | status::kDriver);
        dev.set_driver_features(features);
        dev.set_status(status::kAcknowledge | status::kDriver | status::kFeaturesOk);
        return (dev.status() & status::kFeaturesOk) != 0;
    }
    void setup_queue(u16 index, const MockDriver& d) {
        Virtqueue& q = dev.queue(index);
        q.set_size(d.size());
        q.set_desc_addr(d.desc_addr());
        q.set_driver_addr(d.avail_addr());
        q.set_device_addr(d.used_addr());
    }
    void driver_ok() {
        dev.set_status(status::kAcknowledge | status::kDriver | status::kFeaturesOk | status::kDriverOk);
    }

    GuestMemory memory = make_memory();
    TestDevice dev{memory};
    RecordingSink sink;
};

TEST_F(VirtioDeviceTest, OffersVersion1AndQueueFeatures) {
    EXPECT_EQ(dev.device_id(), DeviceId::Console);
    EXPECT_EQ(dev.device_features(),
              kModelFeature | feature::kVersion1 | feature::kIndirectDesc | feature::kRingEventIdx);
    EXPECT_EQ(dev.num_queues(), 2u);
    EXPECT_EQ(dev.queue(0).max_size(), 16);
    EXPECT_EQ(dev.queue(1).max_size(), 8);
    EXPECT_EQ(dev.status(), 0);
}

TEST_F(VirtioDeviceTest, NegotiationAcceptsASubsetWithVersion1) {
    EXPECT_TRUE(negotiate(feature::kVersion1 | kModelFeature));
    EXPECT_EQ(dev.driver_features(), feature::kVersion1 | kModelFeature);
    EXPECT_EQ(dev.status(), status::kAcknowledge | status::kDriver | status::kFeaturesOk);
}

TEST_F(VirtioDeviceTest, NegotiationRefusesUnofferedFeatures) {
    EXPECT_FALSE(negotiate(feature::kVersion1 | (1ull << 6)));
    EXPECT_EQ(dev.status(), status::kAcknowledge | status::kDriver);
}

TEST_F(VirtioDeviceTest, NegotiationRequiresVersion1) {
    EXPECT_FALSE(negotiate(kModelFeature));
}

TEST_F(VirtioDeviceTest, NegotiationHonoursTheModelsVeto) {
    dev.refuse_model_feature = true;
    EXPECT_FALSE(negotiate(feature::kVersion1 | kModelFeature));
    dev.set_driver_features(feature::kVersion1); // still negotiating: may try again
    dev.set_status(status::kAcknowledge | status::kDriver | status::kFeaturesOk);
    EXPECT_TRUE(dev.status() & status::kFeaturesOk);
}

TEST_F(VirtioDeviceTest, DriverFeaturesOnlyDuringNegotiation) {
    EXPECT_FALSE(dev.set_driver_features(feature::kVersion1)); // before DRIVER
    EXPECT_EQ(dev.driver_features(), 0u);
    ASSERT_TRUE(negotiate(feature::kVersion1));
    EXPECT_FALSE(dev.set_driver_features(feature::kVersion1 | kModelFeature)); // after FEATURES_OK
    EXPECT_EQ(dev.driver_features(), feature::kVersion1);
    EXPECT_EQ(dev.protocol_error_count(), 2u);
}

TEST_F(VirtioDeviceTest, StatusBitsMustComeInOrder) {
    dev.set_status(status::kDriver); // without ACKNOWLEDGE
    EXPECT_EQ(dev.status(), 0);
    dev.set_status(status::kAcknowledge | status::kFeaturesOk); // without DRIVER
    EXPECT_EQ(dev.status(), 0);
    dev.set_status(status::kAcknowledge);
    dev.set_status(status::kAcknowledge | status::kDriver | status::kDriverOk); // without FEATURES_OK
    EXPECT_EQ(dev.status(), status::kAcknowledge);
    EXPECT_EQ(dev.activations, 0);
    EXPECT_EQ(dev.protocol_error_count(), 3u);
}

TEST_F(VirtioDeviceTest, StatusBitsCannotBeCleared) {
    ASSERT_TRUE(negotiate(feature::kVersion1));
    dev.set_status(status::kAcknowledge);
    EXPECT_EQ(dev.status(), status::kAcknowledge | status::kDriver | status::kFeaturesOk);
}

TEST_F(VirtioDeviceTest, FailedIsAcceptedAnytime) {
    dev.set_status(status::kAcknowledge);
    dev.set_status(status::kAcknowledge | status::kFailed);
    EXPECT_EQ(dev.status(), status::kAcknowledge | status::kFailed);
}

TEST_F(VirtioDeviceTest, DriverOkActivates) {
    ASSERT_TRUE(negotiate(feature::kVersion1));
    driver_ok();
    EXPECT_TRUE(dev.driver_ok());
    EXPECT_EQ(dev.activations, 1);
}

TEST_F(VirtioDeviceTest, ResetClearsEverything) {
    MockDriver d = MockDriver::at(memory, 16);
    ASSERT_TRUE(negotiate(feature::kVersion1));
    setup_queue(0, d);
    ASSERT_TRUE(dev.enable_queue(0));
    driver_ok();
    dev.set_status(0);
    EXPECT_EQ(dev.status(), 0);
    EXPECT_EQ(dev.driver_features(), 0u);
    EXPECT_FALSE(dev.queue(0).ready());
    EXPECT_EQ(dev.queue(0).size(), 16u);
    EXPECT_EQ(dev.queue(0).desc_addr(), GuestAddress(0));
    EXPECT_EQ(dev.resets, 1);
}

TEST_F(VirtioDeviceTest, NotifyServesOnlyWhenDriverOkAndReady) {
    MockDriver d = MockDriver::at(memory, 16);
    ASSERT_TRUE(negotiate(feature::kVersion1));
    setup_queue(0, d);
    ASSERT_TRUE(dev.enable_queue(0));
    d.publish(d.add_chain({}, {{kData, 4}}));
    dev.notify(0); // not DRIVER_OK yet
    EXPECT_TRUE(dev.processed.empty());
    driver_ok(); // serves what was made available before DRIVER_OK
    EXPECT_EQ(dev.processed, (std::vector<u16>{0}));
    EXPECT_EQ(d.used_idx(), 1);
    EXPECT_EQ(sink.used, (std::vector<u16>{0}));
    EXPECT_EQ(must(memory.read_obj<u8>(GuestAddress(kData))), 0xAB);
    EXPECT_EQ(d.used_elem(0).len, 1u);

    dev.notify(1); // queue 1 not ready
    EXPECT_EQ(dev.processed.size(), 1u);
    dev.notify(7); // no such queue
    EXPECT_EQ(dev.protocol_error_count(), 1u);
}

TEST_F(VirtioDeviceTest, BadQueueConfigurationNeedsReset) {
    MockDriver d = MockDriver::at(memory, 16);
    ASSERT_TRUE(negotiate(feature::kVersion1));
    setup_queue(0, d);
    dev.queue(0).set_size(12);
    EXPECT_FALSE(dev.enable_queue(0));
    EXPECT_FALSE(dev.queue(0).ready());
    EXPECT_TRUE(dev.needs_reset());
    EXPECT_EQ(dev.device_error_count(), 1u);
    EXPECT_EQ(sink.config_changes, 0); // not DRIVER_OK yet
    // The driver's read-modify-write of the status keeps NEEDS_RESET.
    dev.set_status(dev.status() | status::kFailed);
    EXPECT_TRUE(dev.needs_reset());
    dev.set_status(0);
    EXPECT_FALSE(dev.needs_reset());
}

TEST_F(VirtioDeviceTest, BadChainNeedsResetAndNotifiesConfigChange) {
    MockDriver d = MockDriver::at(memory, 16);
    ASSERT_TRUE(negotiate(feature::kVersion1));
    setup_queue(0, d);
    ASSERT_TRUE(dev.enable_queue(0));
    driver_ok();
    d.set_desc(0, kData, 4, kDescFNext | kDescFWrite, 0); // loops onto itself
    d.publish(0);
    dev.notify(0);
    EXPECT_TRUE(dev.needs_reset());
    EXPECT_EQ(dev.device_error_count(), 1u);
    EXPECT_EQ(sink.config_changes, 1);
    EXPECT_EQ(d.used_idx(), 0);
    // Further kicks are ignored until reset.
    const std::size_t served = dev.processed.size();
    dev.notify(0);
    EXPECT_EQ(dev.processed.size(), served);
    EXPECT_EQ(dev.device_error_count(), 1u);
}

TEST_F(VirtioDeviceTest, EventIdxNegotiatedReachesTheQueue) {
    MockDriver d = MockDriver::at(memory, 16);
    ASSERT_TRUE(negotiate(feature::kVersion1 | feature::kRingEventIdx));
    setup_queue(0, d);
    ASSERT_TRUE(dev.enable_queue(0));
    EXPECT_TRUE(dev.queue(0).event_idx());
    EXPECT_FALSE(dev.queue(0).indirect());
    driver_ok();
    d.set_used_event(1); // interrupt only after the second buffer
    d.publish(d.add_chain({}, {{kData, 4}}));
    dev.notify(0);
    EXPECT_TRUE(sink.used.empty());
    d.publish(d.add_chain({}, {{kData, 4}}));
    dev.notify(0);
    EXPECT_EQ(sink.used.size(), 1u);
}

TEST_F(VirtioDeviceTest, DisableQueueResetsIt) {
    MockDriver d = MockDriver::at(memory, 16);
    ASSERT_TRUE(negotiate(feature::kVersion1));
    setup_queue(0, d);
    ASSERT_TRUE(dev.enable_queue(0));
    dev.disable_queue(0);
    EXPECT_FALSE(dev.queue(0).ready());
}

TEST_F(VirtioDeviceTest, ConfigSpaceAccess) {
    std::array<u8, 4> out{};
    dev.read_config(2, out);
    EXPECT_EQ(out, (std::array<u8, 4>{3, 4, 5, 6}));
    std::array<u8, 2> in{0xEE, 0xFF};
    dev.write_config(6, in);
    EXPECT_EQ(dev.config[7], 0xFF);
    // Out of range: zeros, dropped, counted.
    dev.read_config(6, out);
    EXPECT_EQ(out, (std::array<u8, 4>{}));
    dev.write_config(8, in);
    dev.write_config(~u64{0}, in);
    EXPECT_EQ(dev.protocol_error_count(), 3u);
}

TEST_F(VirtioDeviceTest, ConfigChangeBumpsGenerationAndNotifiesWhenDriverOk) {
    u32 gen = dev.config_generation();
    dev.change_config();
    EXPECT_EQ(dev.config_generation(), gen + 1);
    EXPECT_EQ(sink.config_changes, 0);
    ASSERT_TRUE(negotiate(feature::kVersion1));
    driver_ok();
    dev.change_config();
    EXPECT_EQ(sink.config_changes, 1);
}

} // namespace
} // namespace kite::virtio
