#include "virtio/mmio/virtio_mmio.h"

#include "base/le_bytes.h"
#include "base/log.h"

#include <algorithm>
#include <bit>

namespace kite::virtio {

namespace {

constexpr u64 kLow32 = 0xFFFF'FFFFull;

u64 with_low(u64 old, u32 value) {
    return (old & ~kLow32) | value;
}
u64 with_high(u64 old, u32 value) {
    return (old & kLow32) | (static_cast<u64>(value) << 32);
}

} // namespace

VirtioMmio::VirtioMmio(std::shared_ptr<VirtioDevice> device, std::shared_ptr<IrqLine> irq)
    : m_device(std::move(device)), m_irq(std::move(irq)) {
    std::lock_guard lock(m_device->mutex());
    m_device->set_interrupt_sink(this);
}

VirtioMmio::~VirtioMmio() {
    std::lock_guard lock(m_device->mutex());
    m_device->set_interrupt_sink(nullptr);
}

void VirtioMmio::ignore(const char* what, u64 offset, std::size_t width) {
    u64 count = m_ignored.fetch_add(1, std::memory_order_relaxed) + 1;
    if (count <= 8 || std::has_single_bit(count))
        log::warn("virtio-mmio ({}): ignoring {} of {} bytes at offset {:#x} (#{})", m_device->name(), what,
                  width, offset, count);
}

void VirtioMmio::read(u64 offset, std::span<u8> data) {
    if (offset >= kLength || data.size() > kLength - offset) {
        std::ranges::fill(data, u8{0});
        ignore("read", offset, data.size());
        return;
    }
    std::lock_guard lock(m_device->mutex());
    if (offset >= kConfigOffset) {
        m_device->read_config(offset - kConfigOffset, data);
        return;
    }
    if (data.size() != 4 || offset % 4 != 0) {
        std::ranges::fill(data, u8{0});
        ignore("read", offset, data.size());
        return;
    }
    u32 value = read_register(offset);
    for (std::size_t i = 0; i < 4; ++i)
        data[i] = static_cast<u8>(value >> (8 * i));
}

void VirtioMmio::write(u64 offset, std::span<const u8> data) {
    if (offset >= kLength || data.size() > kLength - offset) {
        ignore("write", offset, data.size());
        return;
    }
    std::lock_guard lock(m_device->mutex());
    if (offset >= kConfigOffset) {
        m_device->write_config(offset - kConfigOffset, data);
        return;
    }
    if (data.size() != 4 || offset % 4 != 0) {
        ignore("write", offset, data.size());
        return;
    }
    const auto value = static_cast<u32>(load_le(data));
    write_register(offset, value);
}

Virtqueue* VirtioMmio::selected_queue() {
    if (m_queue_sel >= m_device->num_queues())
        return nullptr;
    return &m_device->queue(m_queue_sel);
}

u32 VirtioMmio::read_register(u64 offset) {
    VirtioDevice& dev = *m_device;
    switch (offset) {
    case kMagic:
        return kMagicValue;
    case kVersionReg:
        return kVersion;
    case kDeviceId:
        return static_cast<u32>(dev.device_id());
    case kVendorIdReg:
        return kVendorId;
    case kDeviceFeatures:
        switch (m_device_features_sel) {
        case 0:
            return static_cast<u32>(dev.device_features());
        case 1:
            return static_cast<u32>(dev.device_features() >> 32);
        default:
            return 0;
        }
    case kQueueNumMax: {
        Virtqueue* q = selected_queue();
        return q ? q->max_size() : 0;
    }
    case kQueueReady: {
        Virtqueue* q = selected_queue();
        return q && q->ready() ? 1 : 0;
    }
    case kInterruptStatus:
        return m_interrupt_status;
    case kStatus:
        return dev.status();
    case kShmLenLow:
    case kShmLenHigh:
    case kShmBaseLow:
    case kShmBaseHigh:
        return 0xFFFF'FFFF; // no shared memory regions: every SHMSel is unused
    case kConfigGeneration:
        return dev.config_generation();
    case kQueueNum:
    case kQueueDescLow:
    case kQueueDescHigh:
    case kQueueDriverLow:
    case kQueueDriverHigh:
    case kQueueDeviceLow:
    case kQueueDeviceHigh: {
        // Write-only in the spec; reading back what was written is harmless and helps debugging.
        Virtqueue* q = selected_queue();
        if (!q)
            return 0;
        switch (offset) {
        case kQueueNum:
            return q->size();
        case kQueueDescLow:
            return static_cast<u32>(q->desc_addr().value);
        case kQueueDescHigh:
            return static_cast<u32>(q->desc_addr().value >> 32);
        case kQueueDriverLow:
            return static_cast<u32>(q->driver_addr().value);
        case kQueueDriverHigh:
            return static_cast<u32>(q->driver_addr().value >> 32);
        case kQueueDeviceLow:
            return static_cast<u32>(q->device_addr().value);
        default:
            return static_cast<u32>(q->device_addr().value >> 32);
        }
    }
    case kDeviceFeaturesSel:
    case kDriverFeatures:
    case kDriverFeaturesSel:
    case kQueueSel:
    case kQueueNotify:
    case kInterruptAck:
    case kShmSel:
    default:
        ignore("read of a write-only or reserved register", offset, 4);
        return 0;
    }
}

void VirtioMmio::write_register(u64 offset, u32 value) {
    VirtioDevice& dev = *m_device;
    switch (offset) {
    case kDeviceFeaturesSel:
        m_device_features_sel = value;
        return;
    case kDriverFeatures:
        switch (m_driver_features_sel) {
        case 0:
            dev.set_driver_features(with_low(dev.driver_features(), value));
            return;
        case 1:
            dev.set_driver_features(with_high(dev.driver_features(), value));
            return;
        default:
            if (value != 0)
                ignore("driver features beyond bit 63", offset, 4);
            return;
        }
    case kDriverFeaturesSel:
        m_driver_features_sel = value;
        return;
    case kQueueSel:
        m_queue_sel = value;
        return;
    case kQueueNotify:
        if (value > 0xFFFF) {
            ignore("notification of a queue index beyond 16 bits", offset, 4);
            return;
        }
        dev.notify(static_cast<u16>(value));
        return;
    case kInterruptAck:
        m_interrupt_status &= ~value;
        update_irq_locked();
        return;
    case kStatus:
        dev.set_status(static_cast<u8>(value));
        if (value == 0) {
            m_interrupt_status = 0;
            m_device_features_sel = m_driver_features_sel = m_queue_sel = 0;
            update_irq_locked();
        }
        return;
    case kShmSel:
        return;
    case kQueueNum:
    case kQueueReady:
    case kQueueDescLow:
    case kQueueDescHigh:
    case kQueueDriverLow:
    case kQueueDriverHigh:
    case kQueueDeviceLow:
    case kQueueDeviceHigh: {
        Virtqueue* q = selected_queue();
        if (!q) {
            ignore("queue register write for a queue that does not exist", offset, 4);
            return;
        }
        if (offset == kQueueReady) {
            if (value & 1)
                dev.enable_queue(static_cast<u16>(m_queue_sel));
            else
                dev.disable_queue(static_cast<u16>(m_queue_sel));
            return;
        }
        bool accepted = false;
        switch (offset) {
        case kQueueNum:
            accepted = q->set_size(value);
            break;
        case kQueueDescLow:
            accepted = q->set_desc_addr(GuestAddress(with_low(q->desc_addr().value, value)));
            break;
        case kQueueDescHigh:
            accepted = q->set_desc_addr(GuestAddress(with_high(q->desc_addr().value, value)));
            break;
        case kQueueDriverLow:
            accepted = q->set_driver_addr(GuestAddress(with_low(q->driver_addr().value, value)));
            break;
        case kQueueDriverHigh:
            accepted = q->set_driver_addr(GuestAddress(with_high(q->driver_addr().value, value)));
            break;
        case kQueueDeviceLow:
            accepted = q->set_device_addr(GuestAddress(with_low(q->device_addr().value, value)));
            break;
        default:
            accepted = q->set_device_addr(GuestAddress(with_high(q->device_addr().value, value)));
            break;
        }
        if (!accepted)
            ignore("queue configuration write while the queue is ready", offset, 4);
        return;
    }
    case kMagic:
    case kVersionReg:
    case kDeviceId:
    case kVendorIdReg:
    case kDeviceFeatures:
    case kQueueNumMax:
    case kInterruptStatus:
    case kShmLenLow:
    case kShmLenHigh:
    case kShmBaseLow:
    case kShmBaseHigh:
    case kConfigGeneration:
    default:
        ignore("write of a read-only or reserved register", offset, 4);
        return;
    }
}

void VirtioMmio::used_buffer_notification(u16) {
    raise_locked(kInterruptUsedBuffer);
}

void VirtioMmio::config_change_notification() {
    raise_locked(kInterruptConfigChange);
}

void VirtioMmio::raise_locked(u32 bits) {
    m_interrupt_status |= bits;
    update_irq_locked();
}

void VirtioMmio::update_irq_locked() {
    bool level = m_interrupt_status != 0;
    if (level == m_irq_level)
        return;
    m_irq_level = level;
    if (m_irq)
        m_irq->set_level(level);
}

u32 VirtioMmio::interrupt_status() const {
    std::lock_guard lock(m_device->mutex());
    return m_interrupt_status;
}

bool VirtioMmio::irq_level() const {
    std::lock_guard lock(m_device->mutex());
    return m_irq_level;
}

} // namespace kite::virtio
