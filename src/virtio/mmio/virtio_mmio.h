#pragma once

#include "base/types.h"
#include "bus/bus_device.h"
#include "bus/irq_line.h"
#include "virtio/device/virtio_device.h"

#include <atomic>
#include <memory>

namespace kite::virtio {

// The virtio-mmio transport, version 2 (virtio 1.2, 4.2.2), as a BusDevice over
// a 0x200-byte window: registers below 0x100, the device's config space from
// 0x100. Registers take aligned 32-bit accesses only; anything else reads as 0,
// is dropped and counted, as are reads of write-only and writes of read-only
// registers. The interrupt is one level-triggered line (a PLIC source on the
// RISC-V virt board): asserted while InterruptStatus is non-zero.
//
// Thread-safe: every access runs under the device's mutex, which also covers
// this transport's own registers, so an I/O thread that holds the device lock
// may raise interrupts through it.
class VirtioMmio final : public BusDevice, private InterruptSink {
public:
    static constexpr u64 kLength = 0x200;
    static constexpr u64 kConfigOffset = 0x100;
    static constexpr u32 kMagicValue = 0x7472'6976; // "virt"
    static constexpr u32 kVersion = 2;
    static constexpr u32 kVendorId = 0x4554'494B; // "KITE"

    enum Register : u64 {
        kMagic = 0x000,
        kVersionReg = 0x004,
        kDeviceId = 0x008,
        kVendorIdReg = 0x00C,
        kDeviceFeatures = 0x010,
        kDeviceFeaturesSel = 0x014,
        kDriverFeatures = 0x020,
        kDriverFeaturesSel = 0x024,
        kQueueSel = 0x030,
        kQueueNumMax = 0x034,
        kQueueNum = 0x038,
        kQueueReady = 0x044,
        kQueueNotify = 0x050,
        kInterruptStatus = 0x060,
        kInterruptAck = 0x064,
        kStatus = 0x070,
        kQueueDescLow = 0x080,
        kQueueDescHigh = 0x084,
        kQueueDriverLow = 0x090,
        kQueueDriverHigh = 0x094,
        kQueueDeviceLow = 0x0A0,
        kQueueDeviceHigh = 0x0A4,
        kShmSel = 0x0AC,
        kShmLenLow = 0x0B0,
        kShmLenHigh = 0x0B4,
        kShmBaseLow = 0x0B8,
        kShmBaseHigh = 0x0BC,
        kConfigGeneration = 0x0FC,
    };

    // InterruptStatus bits.
    static constexpr u32 kInterruptUsedBuffer = 1;
    static constexpr u32 kInterruptConfigChange = 2;

    // `irq` may be null (tests; the status register still works).
    VirtioMmio(std::shared_ptr<VirtioDevice> device, std::shared_ptr<IrqLine> irq);
    ~VirtioMmio() override;
    VirtioMmio(const VirtioMmio&) = delete;
    VirtioMmio& operator=(const VirtioMmio&) = delete;

    void read(u64 offset, std::span<u8> data) override;
    void write(u64 offset, std::span<const u8> data) override;

    VirtioDevice& device() { return *m_device; }
    u32 interrupt_status() const;
    bool irq_level() const;
    u64 ignored_access_count() const { return m_ignored.load(std::memory_order_relaxed); }

private:
    void used_buffer_notification(u16 queue_index) override;
    void config_change_notification() override;

    u32 read_register(u64 offset);
    void write_register(u64 offset, u32 value);
    void ignore(const char* what, u64 offset, std::size_t width);
    void raise_locked(u32 bits);
    void update_irq_locked();
    Virtqueue* selected_queue();

    std::shared_ptr<VirtioDevice> m_device;
    std::shared_ptr<IrqLine> m_irq;

    // Guarded by m_device->mutex().
    u32 m_device_features_sel{0};
    u32 m_driver_features_sel{0};
    u32 m_queue_sel{0};
    u32 m_interrupt_status{0};
    bool m_irq_level{false};
    std::atomic<u64> m_ignored{0};
};

} // namespace kite::virtio
