// The common configuration structure of VirtioPci (virtio 1.2, 4.1.4.3).

#include "base/le_bytes.h"
#include "virtio/pci/virtio_pci.h"

#include <algorithm>
#include <array>

namespace kite::virtio {

namespace {

constexpr u64 kLow32 = 0xFFFF'FFFFull;

constexpr std::array<std::pair<u64, unsigned>, 16> kFields{{
    {VirtioPci::kDeviceFeatureSelect, 4},
    {VirtioPci::kDeviceFeature, 4},
    {VirtioPci::kDriverFeatureSelect, 4},
    {VirtioPci::kDriverFeature, 4},
    {VirtioPci::kConfigMsixVector, 2},
    {VirtioPci::kNumQueues, 2},
    {VirtioPci::kDeviceStatus, 1},
    {VirtioPci::kConfigGeneration, 1},
    {VirtioPci::kQueueSelect, 2},
    {VirtioPci::kQueueSize, 2},
    {VirtioPci::kQueueMsixVector, 2},
    {VirtioPci::kQueueEnable, 2},
    {VirtioPci::kQueueNotifyOff, 2},
    {VirtioPci::kQueueDesc, 8},
    {VirtioPci::kQueueDriver, 8},
    {VirtioPci::kQueueDevice, 8},
}};

u64 merge_half(u64 old, u64 half_offset, u32 value) {
    return half_offset == 0 ? (old & ~kLow32) | value : (old & kLow32) | (static_cast<u64>(value) << 32);
}

} // namespace

std::optional<VirtioPci::Field> VirtioPci::common_field_at(u64 offset) {
    for (const auto& [at, width] : kFields) {
        if (offset >= at && offset < at + width)
            return Field{at, width};
    }
    return std::nullopt;
}

Virtqueue* VirtioPci::selected_queue() {
    if (m_queue_select >= m_device->num_queues())
        return nullptr;
    return &m_device->queue(m_queue_select);
}

u64 VirtioPci::common_field_locked(u64 field) {
    VirtioDevice& dev = *m_device;
    Virtqueue* q = selected_queue();
    switch (static_cast<CommonCfg>(field)) {
    case kDeviceFeatureSelect:
        return m_device_feature_select;
    case kDeviceFeature:
        switch (m_device_feature_select) {
        case 0:
            return dev.device_features() & kLow32;
        case 1:
            return dev.device_features() >> 32;
        default:
            return 0;
        }
    case kDriverFeatureSelect:
        return m_driver_feature_select;
    case kDriverFeature:
        switch (m_driver_feature_select) {
        case 0:
            return dev.driver_features() & kLow32;
        case 1:
            return dev.driver_features() >> 32;
        default:
            return 0;
        }
    case kConfigMsixVector:
        return m_config_vector;
    case kQueueMsixVector:
        return q ? m_queue_vectors[m_queue_select] : kNoVector;
    case kNumQueues:
        return dev.num_queues();
    case kDeviceStatus:
        return dev.status();
    case kConfigGeneration:
        return dev.config_generation() & 0xFF;
    case kQueueSelect:
        return m_queue_select;
    case kQueueSize:
        return q ? q->size() : 0; // 0: the queue does not exist
    case kQueueEnable:
        return q && q->ready() ? 1 : 0;
    case kQueueNotifyOff:
        return q ? m_queue_select : 0;
    case kQueueDesc:
        return q ? q->desc_addr().value : 0;
    case kQueueDriver:
        return q ? q->driver_addr().value : 0;
    case kQueueDevice:
        return q ? q->device_addr().value : 0;
    }
    return 0;
}

void VirtioPci::read_common_locked(u64 offset, std::span<u8> data) {
    // No field has read side effects, so any width works: each byte comes from its field.
    for (std::size_t i = 0; i < data.size(); ++i) {
        const auto field = common_field_at(offset + i);
        data[i] =
            field ? static_cast<u8>(common_field_locked(field->offset) >> (8 * (offset + i - field->offset)))
                  : 0;
    }
}

void VirtioPci::write_common_locked(u64 offset, std::span<const u8> data) {
    const auto field = common_field_at(offset);
    const std::size_t size = data.size();
    // A field's own width; a 64-bit field in 32-bit halves (4.1.3.1) or whole.
    const bool whole = field && offset == field->offset && size == field->width;
    const bool half = field && field->width == 8 && size == 4 && (offset - field->offset) % 4 == 0;
    if (!whole && !half) {
        ignore("common configuration write not matching a field", offset, size);
        return;
    }
    for (std::size_t at = 0; at < size; at += 4) {
        const auto part = data.subspan(at, std::min<std::size_t>(4, size - at));
        write_common_field_locked(*field, offset + at - field->offset, static_cast<u32>(load_le(part)));
    }
}

void VirtioPci::write_common_field_locked(const Field& field, u64 offset, u32 value) {
    VirtioDevice& dev = *m_device;
    switch (static_cast<CommonCfg>(field.offset)) {
    case kDeviceFeatureSelect:
        m_device_feature_select = value;
        return;
    case kDriverFeatureSelect:
        m_driver_feature_select = value;
        return;
    case kDriverFeature:
        switch (m_driver_feature_select) {
        case 0:
            dev.set_driver_features(merge_half(dev.driver_features(), 0, value));
            return;
        case 1:
            dev.set_driver_features(merge_half(dev.driver_features(), 4, value));
            return;
        default:
            if (value != 0)
                ignore("driver features beyond bit 63", field.offset, 4);
            return;
        }
    case kConfigMsixVector:
        m_config_vector = checked_vector(value); // NO_VECTOR when the mapping fails
        return;
    case kQueueMsixVector:
        if (selected_queue())
            m_queue_vectors[m_queue_select] = checked_vector(value);
        return;
    case kDeviceStatus:
        dev.set_status(static_cast<u8>(value));
        if (value == 0)
            reset_transport_locked();
        return;
    case kQueueSelect:
        m_queue_select = static_cast<u16>(value);
        return;
    case kQueueSize:
    case kQueueEnable:
    case kQueueDesc:
    case kQueueDriver:
    case kQueueDevice: {
        Virtqueue* q = selected_queue();
        if (!q) {
            ignore("queue field write for a queue that does not exist", field.offset, field.width);
            return;
        }
        bool accepted = false;
        switch (static_cast<CommonCfg>(field.offset)) {
        case kQueueEnable:
            if (value != 1) {
                ignore("queue_enable write other than 1", field.offset, field.width);
                return;
            }
            dev.enable_queue(m_queue_select);
            return;
        case kQueueSize:
            accepted = q->set_size(value);
            break;
        case kQueueDesc:
            accepted = q->set_desc_addr(GuestAddress(merge_half(q->desc_addr().value, offset, value)));
            break;
        case kQueueDriver:
            accepted = q->set_driver_addr(GuestAddress(merge_half(q->driver_addr().value, offset, value)));
            break;
        default:
            accepted = q->set_device_addr(GuestAddress(merge_half(q->device_addr().value, offset, value)));
            break;
        }
        if (!accepted)
            ignore("queue configuration write while the queue is enabled", field.offset + offset, 4);
        return;
    }
    case kDeviceFeature:
    case kNumQueues:
    case kConfigGeneration:
    case kQueueNotifyOff:
        ignore("write of a read-only common configuration field", field.offset, field.width);
        return;
    }
}

} // namespace kite::virtio
