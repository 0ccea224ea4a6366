#include "virtio/pci/virtio_pci.h"

#include "base/assert.h"
#include "base/le_bytes.h"
#include "base/log.h"
#include "pci/pci_regs.h"

#include <algorithm>
#include <array>
#include <bit>
#include <vector>

namespace kite::virtio {

namespace {

pci::PciIdentity identity_for(const VirtioDevice& device) {
    const u16 device_id = static_cast<u16>(VirtioPci::kDeviceIdBase + static_cast<u32>(device.device_id()));
    return pci::PciIdentity{
        .vendor_id = VirtioPci::kVendorId,
        .device_id = device_id,
        .class_code = VirtioPci::class_code_for(device.device_id()),
        .revision = VirtioPci::kRevision,
        // Informational only (4.1.2); a non-transitional device's subsystem ID
        // should be 0x40 or more, so that legacy drivers leave it alone.
        .subsystem_vendor_id = VirtioPci::kVendorId,
        .subsystem_id = device_id,
        .interrupt_pin = pci::kPinIntA,
    };
}

// The body of a struct virtio_pci_cap after the ID and next bytes, plus `extra` zero bytes.
std::vector<u8> virtio_cap(u8 cfg_type, u32 offset, u32 length, std::size_t extra) {
    std::vector<u8> body(14 + extra, 0);
    body[0] = static_cast<u8>(2 + body.size()); // cap_len: the whole structure
    body[1] = cfg_type;
    body[2] = VirtioPci::kBar;
    store_le(std::span(body).subspan(6, 4), offset);
    store_le(std::span(body).subspan(10, 4), length);
    return body;
}

bool overlaps(u64 offset, std::size_t size, u64 begin, u64 length) {
    return offset < begin + length && offset + size > begin;
}

} // namespace

u32 VirtioPci::class_code_for(DeviceId id) {
    switch (id) {
    case DeviceId::Net:
        return 0x02'00'00; // network controller, Ethernet
    case DeviceId::Block:
        return 0x01'80'00; // mass storage controller, other
    case DeviceId::Console:
        return 0x07'80'00; // simple communication controller, other
    case DeviceId::Entropy:
        return 0xFF'00'00; // device does not fit any defined class
    }
    return 0xFF'00'00;
}

VirtioPci::VirtioPci(std::shared_ptr<VirtioDevice> device, std::shared_ptr<pci::MsiSink> msi)
    : PciFunction(identity_for(*device)), m_device(std::move(device)),
      m_queue_vectors(m_device->num_queues(), kNoVector) {
    KITE_ASSERT(m_device->num_queues() * kNotifyOffMultiplier <= kNotifyRegionSize,
                "too many queues for the notification region");
    std::lock_guard lock(m_device->mutex());
    config_space().add_bar(kBar, pci::BarLayout{.kind = pci::BarKind::Memory32, .size = kBarSize});
    add_capabilities();
    if (msi) {
        config_space().add_bar(kMsixBar,
                               pci::BarLayout{.kind = pci::BarKind::Memory32, .size = kMsixBarSize});
        m_msix.emplace(static_cast<u16>(m_device->num_queues() + 1), kMsixBar, kMsixTableOffset,
                       kMsixPbaOffset, std::move(msi));
        m_msix_cap = m_msix->add_capability(config_space());
    }
    m_device->set_interrupt_sink(this);
}

VirtioPci::~VirtioPci() {
    std::lock_guard lock(m_device->mutex());
    m_device->set_interrupt_sink(nullptr);
}

void VirtioPci::add_capabilities() {
    pci::ConfigSpace& cs = config_space();
    const u8 id = pci::cap_id::kVendorSpecific;
    // In order of preference, one of each: the driver uses the first it finds.
    cs.add_capability(id, virtio_cap(kCapCommonCfg, kCommonCfgOffset, kCommonCfgLength, 0));
    auto notify = virtio_cap(
        kCapNotifyCfg, kNotifyOffset,
        static_cast<u32>(std::max<std::size_t>(m_device->num_queues(), 1) * kNotifyOffMultiplier), 4);
    store_le(std::span(notify).subspan(kCapNotifyOffMultiplier - 2, 4), kNotifyOffMultiplier);
    cs.add_capability(id, notify);
    cs.add_capability(id, virtio_cap(kCapIsrCfg, kIsrOffset, kIsrLength, 0));
    cs.add_capability(id, virtio_cap(kCapDeviceCfg, kDeviceCfgOffset, kDeviceCfgLength, 0));
    // The configuration access window: bar, offset, length and data are the driver's to write.
    m_pci_cfg_cap = cs.add_capability(id, virtio_cap(kCapPciCfg, 0, 0, 4));
    const std::array<u8, 4> ones{0xFF, 0xFF, 0xFF, 0xFF};
    cs.set_writable(static_cast<u16>(m_pci_cfg_cap + kCapBar), std::span(ones).first(1));
    cs.set_writable(static_cast<u16>(m_pci_cfg_cap + kCapOffset), ones);
    cs.set_writable(static_cast<u16>(m_pci_cfg_cap + kCapLength), ones);
    cs.set_writable(static_cast<u16>(m_pci_cfg_cap + kCapPciCfgData), ones);
}

void VirtioPci::ignore(const char* what, u64 offset, std::size_t width) {
    const u64 count = m_ignored.fetch_add(1, std::memory_order_relaxed) + 1;
    if (count <= 8 || std::has_single_bit(count))
        log::warn("virtio-pci ({}): ignoring {} of {} bytes at offset {:#x} (#{})", m_device->name(), what,
                  width, offset, count);
}

void VirtioPci::config_read(u16 offset, std::span<u8> data) {
    std::lock_guard lock(m_device->mutex());
    if (overlaps(offset, data.size(), m_pci_cfg_cap + kCapPciCfgData, 4))
        pci_cfg_access_locked(false);
    PciFunction::config_read(offset, data);
}

void VirtioPci::config_write(u16 offset, std::span<const u8> data) {
    std::lock_guard lock(m_device->mutex());
    PciFunction::config_write(offset, data);
    if (m_msix && overlaps(offset, data.size(), m_msix_cap + pci::MsixTable::kMessageControl, 2)) {
        m_msix->control_written(config_space());
        set_intx_pending(!m_msix->enabled() && m_isr != 0); // MSI-X on: INTx quiet
    }
    if (overlaps(offset, data.size(), m_pci_cfg_cap + kCapPciCfgData, 4))
        pci_cfg_access_locked(true);
}

std::vector<pci::BarInfo> VirtioPci::bars() const {
    std::lock_guard lock(m_device->mutex());
    return PciFunction::bars();
}

void VirtioPci::connect_intx(std::shared_ptr<IrqLine> line) {
    std::lock_guard lock(m_device->mutex());
    PciFunction::connect_intx(std::move(line));
}

void VirtioPci::pci_cfg_access_locked(bool is_write) {
    const pci::ConfigSpace& cs = config_space();
    const u8 bar = cs.read8(static_cast<u16>(m_pci_cfg_cap + kCapBar));
    const u32 offset = cs.read32(static_cast<u16>(m_pci_cfg_cap + kCapOffset));
    const u32 length = cs.read32(static_cast<u16>(m_pci_cfg_cap + kCapLength));
    const u16 data_at = static_cast<u16>(m_pci_cfg_cap + kCapPciCfgData);
    if (bar != kBar || (length != 1 && length != 2 && length != 4) || offset % length != 0 ||
        offset >= kBarSize) {
        ignore(is_write ? "PCI_CFG window write with a bad bar/offset/length"
                        : "PCI_CFG window read with a bad bar/offset/length",
               offset, length);
        return;
    }
    std::array<u8, 4> bytes{};
    const auto window = std::span(bytes).first(length);
    if (is_write) {
        cs.read(data_at, window);
        bar_write_locked(offset, window);
    } else {
        bar_read_locked(offset, window);
        config_space().store(data_at, window);
    }
}

void VirtioPci::bar_read(u8 bar, u64 offset, std::span<u8> data) {
    std::lock_guard lock(m_device->mutex());
    if (m_msix && bar == kMsixBar) {
        if (!m_msix->bar_read(offset, data)) {
            std::ranges::fill(data, u8{0});
            ignore("read outside the MSI-X table and PBA", offset, data.size());
        }
        return;
    }
    if (bar != kBar) {
        std::ranges::fill(data, u8{0xFF});
        ignore("read of a BAR that does not exist", offset, data.size());
        return;
    }
    bar_read_locked(offset, data);
}

void VirtioPci::bar_write(u8 bar, u64 offset, std::span<const u8> data) {
    std::lock_guard lock(m_device->mutex());
    if (m_msix && bar == kMsixBar) {
        if (!m_msix->bar_write(offset, data))
            ignore("write outside the MSI-X table and PBA", offset, data.size());
        return;
    }
    if (bar != kBar) {
        ignore("write of a BAR that does not exist", offset, data.size());
        return;
    }
    bar_write_locked(offset, data);
}

void VirtioPci::bar_read_locked(u64 offset, std::span<u8> data) {
    const std::size_t size = data.size();
    if (offset >= kCommonCfgOffset && offset + size <= kCommonCfgOffset + kCommonCfgLength) {
        read_common_locked(offset - kCommonCfgOffset, data);
        return;
    }
    if (offset == kIsrOffset && size <= 4) {
        // Reading the ISR acknowledges it (4.1.4.5): the line drops.
        std::ranges::fill(data, u8{0});
        data[0] = m_isr;
        m_isr = 0;
        set_intx_pending(false);
        return;
    }
    if (offset >= kDeviceCfgOffset && offset + size <= kDeviceCfgOffset + kDeviceCfgLength) {
        m_device->read_config(offset - kDeviceCfgOffset, data);
        return;
    }
    std::ranges::fill(data, u8{0});
    if (!(offset >= kNotifyOffset && offset + size <= kNotifyOffset + kNotifyRegionSize))
        ignore("read outside the virtio structures", offset, size);
}

void VirtioPci::bar_write_locked(u64 offset, std::span<const u8> data) {
    const std::size_t size = data.size();
    if (offset >= kCommonCfgOffset && offset + size <= kCommonCfgOffset + kCommonCfgLength) {
        write_common_locked(offset - kCommonCfgOffset, data);
        return;
    }
    if (offset >= kDeviceCfgOffset && offset + size <= kDeviceCfgOffset + kDeviceCfgLength) {
        m_device->write_config(offset - kDeviceCfgOffset, data);
        return;
    }
    if (offset >= kNotifyOffset && offset + size <= kNotifyOffset + kNotifyRegionSize) {
        // The address names the queue (queue_notify_off = index); without
        // VIRTIO_F_NOTIFICATION_DATA the 16-bit value is the same index.
        const u64 slot = offset - kNotifyOffset;
        if (slot % kNotifyOffMultiplier != 0 || (size != 2 && size != 4)) {
            ignore("misaligned or odd-sized queue notification", offset, size);
            return;
        }
        m_device->notify(static_cast<u16>(slot / kNotifyOffMultiplier));
        return;
    }
    ignore("write outside the writable virtio structures", offset, size);
}

void VirtioPci::used_buffer_notification(u16 queue_index) {
    const u16 vector = queue_index < m_queue_vectors.size() ? m_queue_vectors[queue_index] : kNoVector;
    if (!send_msix_locked(vector))
        raise_locked(kIsrQueue);
}

void VirtioPci::config_change_notification() {
    if (send_msix_locked(m_config_vector))
        m_isr |= kIsrConfig; // the driver reads it to tell a config change (4.1.4.5)
    else
        raise_locked(kIsrConfig);
}

bool VirtioPci::send_msix_locked(u16 vector) {
    if (!m_msix || !m_msix->enabled())
        return false;
    if (vector != kNoVector)
        m_msix->notify(vector);
    return true;
}

u16 VirtioPci::checked_vector(u32 value) const {
    return m_msix && value < m_msix->vector_count() ? static_cast<u16>(value) : kNoVector;
}

void VirtioPci::raise_locked(u8 bits) {
    m_isr |= bits;
    set_intx_pending(m_isr != 0);
}

void VirtioPci::reset_transport_locked() {
    m_device_feature_select = 0;
    m_driver_feature_select = 0;
    m_queue_select = 0;
    m_isr = 0;
    m_config_vector = kNoVector;
    std::ranges::fill(m_queue_vectors, kNoVector);
    set_intx_pending(false);
}

u8 VirtioPci::isr_status() const {
    std::lock_guard lock(m_device->mutex());
    return m_isr;
}

bool VirtioPci::msix_enabled() const {
    std::lock_guard lock(m_device->mutex());
    return m_msix && m_msix->enabled();
}

bool VirtioPci::irq_level() const {
    std::lock_guard lock(m_device->mutex());
    return intx_level();
}

} // namespace kite::virtio
