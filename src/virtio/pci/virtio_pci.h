#pragma once

#include "base/types.h"
#include "bus/irq_line.h"
#include "pci/msi_sink.h"
#include "pci/msix.h"
#include "pci/pci_function.h"
#include "virtio/device/virtio_device.h"

#include <atomic>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace kite::virtio {

// The virtio-over-PCI transport (virtio 1.2, 4.1), modern (non-transitional)
// only, as a PCI function: vendor 1AF4, device 1040 + the virtio device ID,
// revision 1. Everything lives in one 16 KiB non-prefetchable 32-bit memory
// BAR (BAR0), located by vendor-specific capabilities:
//   0x0000 common configuration  0x1000 ISR status  0x2000 device configuration
//   0x3000 notifications (queue n at 0x3000 + 4n: queue_notify_off = n, multiplier 4)
// plus the PCI configuration access capability (a window into the BAR through
// config space). Interrupts are INTx, level-triggered, asserted while the ISR
// status is non-zero; reading the ISR clears it.
//
// Given an MsiSink (a board with an MSI controller), the function also has an
// MSI-X capability with one vector per queue plus one, its table and PBA in a
// 4 KiB BAR1 (table at 0, PBA at 0x800). While the driver enables MSI-X,
// a queue's used-buffer notification sends the vector in its
// queue_msix_vector, a configuration change sets the ISR's config bit and
// sends config_msix_vector, and INTx stays quiet. A vector field takes a
// vector of the table or NO_VECTOR; any other value reads back NO_VECTOR
// (the mapping failed). Without a sink the vector fields always read
// NO_VECTOR.
//
// Common configuration fields take writes of their own width (32-bit halves
// for the 64-bit queue addresses); other writes are dropped and counted. Reads
// of any width return the fields' bytes.
//
// Thread-safe: every access (config and BAR) runs under the device's mutex,
// which also covers this transport's state and the PCI config space (whose
// Interrupt Status bit an I/O thread holding the device lock may change).
class VirtioPci final : public pci::PciFunction, private InterruptSink {
public:
    static constexpr u16 kVendorId = 0x1AF4;
    static constexpr u16 kDeviceIdBase = 0x1040;
    static constexpr u8 kRevision = 1;

    static constexpr u8 kBar = 0;
    static constexpr u64 kBarSize = 0x4000;
    static constexpr u64 kCommonCfgOffset = 0x0000;
    static constexpr u64 kCommonCfgLength = 0x38; // up to queue_device; no notify data / queue reset
    static constexpr u64 kIsrOffset = 0x1000;
    static constexpr u64 kIsrLength = 1;
    static constexpr u64 kDeviceCfgOffset = 0x2000;
    static constexpr u64 kDeviceCfgLength = 0x1000;
    static constexpr u64 kNotifyOffset = 0x3000;
    static constexpr u64 kNotifyRegionSize = 0x1000;
    static constexpr u32 kNotifyOffMultiplier = 4;
    static constexpr u16 kNoVector = 0xFFFF;
    static constexpr u8 kMsixBar = 1;
    static constexpr u64 kMsixBarSize = 0x1000;
    static constexpr u64 kMsixTableOffset = 0x000;
    static constexpr u64 kMsixPbaOffset = 0x800;

    // virtio_pci_cap.cfg_type.
    enum CapType : u8 {
        kCapCommonCfg = 1,
        kCapNotifyCfg = 2,
        kCapIsrCfg = 3,
        kCapDeviceCfg = 4,
        kCapPciCfg = 5,
    };
    // Offsets inside a virtio capability (from its ID byte).
    static constexpr u16 kCapLen = 2;
    static constexpr u16 kCapCfgType = 3;
    static constexpr u16 kCapBar = 4;
    static constexpr u16 kCapOffset = 8;
    static constexpr u16 kCapLength = 12;
    static constexpr u16 kCapNotifyOffMultiplier = 16; // notify capability
    static constexpr u16 kCapPciCfgData = 16;          // PCI config access capability

    // struct virtio_pci_common_cfg.
    enum CommonCfg : u64 {
        kDeviceFeatureSelect = 0x00,
        kDeviceFeature = 0x04,
        kDriverFeatureSelect = 0x08,
        kDriverFeature = 0x0C,
        kConfigMsixVector = 0x10,
        kNumQueues = 0x12,
        kDeviceStatus = 0x14,
        kConfigGeneration = 0x15,
        kQueueSelect = 0x16,
        kQueueSize = 0x18,
        kQueueMsixVector = 0x1A,
        kQueueEnable = 0x1C,
        kQueueNotifyOff = 0x1E,
        kQueueDesc = 0x20,
        kQueueDriver = 0x28,
        kQueueDevice = 0x30,
    };

    // ISR status bits.
    static constexpr u8 kIsrQueue = 1;
    static constexpr u8 kIsrConfig = 2;

    // The PCI class code a device type presents.
    static u32 class_code_for(DeviceId id);

    explicit VirtioPci(std::shared_ptr<VirtioDevice> device, std::shared_ptr<pci::MsiSink> msi = nullptr);
    ~VirtioPci() override;
    VirtioPci(const VirtioPci&) = delete;
    VirtioPci& operator=(const VirtioPci&) = delete;

    void config_read(u16 offset, std::span<u8> data) override;
    void config_write(u16 offset, std::span<const u8> data) override;
    void bar_read(u8 bar, u64 offset, std::span<u8> data) override;
    void bar_write(u8 bar, u64 offset, std::span<const u8> data) override;
    std::vector<pci::BarInfo> bars() const override;
    void connect_intx(std::shared_ptr<IrqLine> line) override;

    VirtioDevice& device() { return *m_device; }
    u8 isr_status() const;
    bool irq_level() const;
    bool msix_enabled() const;
    u64 ignored_access_count() const { return m_ignored.load(std::memory_order_relaxed); }

private:
    struct Field {
        u64 offset;
        unsigned width;
    };

    void used_buffer_notification(u16 queue_index) override;
    void config_change_notification() override;

    void add_capabilities();
    void bar_read_locked(u64 offset, std::span<u8> data);
    void bar_write_locked(u64 offset, std::span<const u8> data);
    void read_common_locked(u64 offset, std::span<u8> data);
    void write_common_locked(u64 offset, std::span<const u8> data);
    u64 common_field_locked(u64 field);
    void write_common_field_locked(const Field& field, u64 offset, u32 value);
    // The PCI configuration access capability: runs the BAR access its fields describe.
    void pci_cfg_access_locked(bool is_write);
    void raise_locked(u8 bits);
    // Sends `vector` when MSI-X is on; false when the function uses INTx.
    bool send_msix_locked(u16 vector);
    u16 checked_vector(u32 value) const;
    void reset_transport_locked();
    void ignore(const char* what, u64 offset, std::size_t width);
    Virtqueue* selected_queue();
    static std::optional<Field> common_field_at(u64 offset);

    std::shared_ptr<VirtioDevice> m_device;
    u16 m_pci_cfg_cap{0}; // offset of the PCI configuration access capability
    std::optional<pci::MsixTable> m_msix;
    u16 m_msix_cap{0};

    // Guarded by m_device->mutex().
    u32 m_device_feature_select{0};
    u32 m_driver_feature_select{0};
    u16 m_queue_select{0};
    u8 m_isr{0};
    u16 m_config_vector{kNoVector};
    std::vector<u16> m_queue_vectors; // per queue
    std::atomic<u64> m_ignored{0};
};

} // namespace kite::virtio
