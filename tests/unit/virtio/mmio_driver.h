#pragma once

// The register side of a virtio-mmio guest driver for tests: 32-bit register
// accesses through the BusDevice interface and the initialisation sequence a
// driver performs (spec 3.1.1 and 4.2.3), as Linux does it. The rings
// themselves come from MockDriver.

#include "mock_driver.h"
#include "virtio/mmio/virtio_mmio.h"

#include <array>
#include <gtest/gtest.h>

namespace kite::virtio::testing {

class MmioDriver {
public:
    using R = VirtioMmio::Register;

    explicit MmioDriver(VirtioMmio& mmio) : m_mmio(mmio) {}

    u32 r32(u64 offset) {
        std::array<u8, 4> b{};
        m_mmio.read(offset, b);
        return static_cast<u32>(b[0]) | static_cast<u32>(b[1]) << 8 | static_cast<u32>(b[2]) << 16 |
               static_cast<u32>(b[3]) << 24;
    }
    void w32(u64 offset, u32 v) {
        std::array<u8, 4> b{static_cast<u8>(v), static_cast<u8>(v >> 8), static_cast<u8>(v >> 16),
                            static_cast<u8>(v >> 24)};
        m_mmio.write(offset, b);
    }
    void w64(u64 low, u64 v) {
        w32(low, static_cast<u32>(v));
        w32(low + 4, static_cast<u32>(v >> 32));
    }

    // Resets the device, negotiates `wanted_features` (intersected with what
    // is offered), sets up queue 0 on `rings` and sets DRIVER_OK, asserting
    // each step as it goes. Call through ASSERT_NO_FATAL_FAILURE.
    void init(const MockDriver& rings, u64 wanted_features, u32 expected_queue_max) {
        w32(R::kStatus, 0);
        ASSERT_EQ(r32(R::kStatus), 0u);
        w32(R::kStatus, status::kAcknowledge);
        w32(R::kStatus, status::kAcknowledge | status::kDriver);
        w32(R::kDeviceFeaturesSel, 0);
        u64 offered = r32(R::kDeviceFeatures);
        w32(R::kDeviceFeaturesSel, 1);
        offered |= static_cast<u64>(r32(R::kDeviceFeatures)) << 32;
        ASSERT_TRUE(offered & feature::kVersion1);
        u64 features = offered & wanted_features;
        w32(R::kDriverFeaturesSel, 0);
        w32(R::kDriverFeatures, static_cast<u32>(features));
        w32(R::kDriverFeaturesSel, 1);
        w32(R::kDriverFeatures, static_cast<u32>(features >> 32));
        w32(R::kStatus, status::kAcknowledge | status::kDriver | status::kFeaturesOk);
        ASSERT_TRUE(r32(R::kStatus) & status::kFeaturesOk);

        w32(R::kQueueSel, 0);
        ASSERT_EQ(r32(R::kQueueReady), 0u);
        ASSERT_EQ(r32(R::kQueueNumMax), expected_queue_max);
        w32(R::kQueueNum, rings.size());
        w64(R::kQueueDescLow, rings.desc_addr().value);
        w64(R::kQueueDriverLow, rings.avail_addr().value);
        w64(R::kQueueDeviceLow, rings.used_addr().value);
        w32(R::kQueueReady, 1);
        ASSERT_EQ(r32(R::kQueueReady), 1u);
        w32(R::kStatus, status::kAcknowledge | status::kDriver | status::kFeaturesOk | status::kDriverOk);
        ASSERT_EQ(r32(R::kStatus), static_cast<u32>(status::kAcknowledge | status::kDriver |
                                                    status::kFeaturesOk | status::kDriverOk));
    }

private:
    VirtioMmio& m_mmio;
};

} // namespace kite::virtio::testing
