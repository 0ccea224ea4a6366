#include "virtio/device/virtio_device.h"

#include "base/log.h"

#include <algorithm>

namespace kite::virtio {

namespace {

// Counted errors are logged the first few times, then at powers of two.
constexpr u64 kTransportFeatures = feature::kVersion1 | feature::kIndirectDesc | feature::kRingEventIdx;

} // namespace

VirtioDevice::VirtioDevice(DeviceId id, std::string name, u64 model_features, const GuestMemory& memory,
                           std::span<const u16> queue_max_sizes)
    : m_device_id(id), m_name(std::move(name)), m_memory(&memory),
      m_device_features(model_features | kTransportFeatures) {
    for (u16 max_size : queue_max_sizes)
        m_queues.emplace_back(memory, max_size);
}

bool VirtioDevice::set_driver_features(u64 features) {
    if ((m_status & status::kDriver) == 0 || (m_status & status::kFeaturesOk) != 0) {
        protocol_error("driver features written outside feature negotiation");
        return false;
    }
    m_driver_features = features;
    return true;
}

bool VirtioDevice::accept_features(u64) const {
    return true;
}

void VirtioDevice::set_status(u8 value) {
    if (value == 0) {
        reset();
        return;
    }
    const u8 device_bits = m_status & status::kNeedsReset;
    const u8 old = m_status & ~status::kNeedsReset;
    value &= ~status::kNeedsReset;
    if ((old & ~value) != 0) {
        protocol_error("status write clears bits");
        return;
    }
    const u8 added = value & ~old;
    if ((added & status::kDriver) && !(value & status::kAcknowledge)) {
        protocol_error("status DRIVER without ACKNOWLEDGE");
        return;
    }
    if (added & status::kFeaturesOk) {
        if (!(value & status::kDriver)) {
            protocol_error("status FEATURES_OK without DRIVER");
            return;
        }
        const bool subset = (m_driver_features & ~m_device_features) == 0;
        const bool modern = (m_driver_features & feature::kVersion1) != 0;
        if (!subset || !modern || !accept_features(m_driver_features)) {
            log::info("virtio-{}: refusing driver features {:#x} (offered {:#x})", m_name, m_driver_features,
                      m_device_features);
            value &= ~status::kFeaturesOk;
        }
    }
    if ((added & status::kDriverOk) && !(value & status::kFeaturesOk)) {
        protocol_error("status DRIVER_OK without FEATURES_OK");
        return;
    }
    m_status = value | device_bits;
    if (added & status::kDriverOk) {
        activate();
        // Buffers the driver made available before DRIVER_OK are served now.
        for (u16 i = 0; i < m_queues.size(); ++i)
            notify(i);
    }
}

void VirtioDevice::reset() {
    m_status = 0;
    m_driver_features = 0;
    for (Virtqueue& q : m_queues)
        q.reset();
    on_reset();
}

bool VirtioDevice::enable_queue(u16 index) {
    if (index >= m_queues.size()) {
        protocol_error("ready bit for a queue that does not exist");
        return false;
    }
    Virtqueue& q = m_queues[index];
    if (q.ready())
        return true;
    if (auto r = q.activate(m_driver_features); !r) {
        device_error(std::move(r).error().with_context(fmt::format("queue {}", index)));
        return false;
    }
    return true;
}

void VirtioDevice::disable_queue(u16 index) {
    if (index >= m_queues.size()) {
        protocol_error("ready bit for a queue that does not exist");
        return;
    }
    m_queues[index].reset();
}

void VirtioDevice::notify(u16 index) {
    if (index >= m_queues.size()) {
        protocol_error("notification for a queue that does not exist");
        return;
    }
    if (!driver_ok() || needs_reset() || !m_queues[index].ready())
        return;
    process_queue(index);
}

void VirtioDevice::read_config(u64 offset, std::span<u8> data) {
    if (offset > config_size() || data.size() > config_size() - offset) {
        std::ranges::fill(data, u8{0});
        protocol_error("config space read out of range");
        return;
    }
    read_device_config(offset, data);
}

void VirtioDevice::write_config(u64 offset, std::span<const u8> data) {
    if (offset > config_size() || data.size() > config_size() - offset) {
        protocol_error("config space write out of range");
        return;
    }
    write_device_config(offset, data);
}

void VirtioDevice::read_device_config(u64, std::span<u8> data) {
    std::ranges::fill(data, u8{0});
}

void VirtioDevice::write_device_config(u64, std::span<const u8>) {}

std::size_t VirtioDevice::serve_queue(u16 index, const ChainHandler& handle) {
    Virtqueue& q = m_queues.at(index);
    const std::size_t limit = 4 * std::size_t{q.size()};
    std::size_t served = 0;
    while (served < limit) {
        auto popped = q.pop();
        if (!popped) {
            device_error(std::move(popped).error().with_context(fmt::format("queue {}", index)));
            break;
        }
        if (!*popped)
            break;
        const DescriptorChain& chain = **popped;
        auto written = handle(chain);
        if (!written) {
            device_error(std::move(written).error().with_context(fmt::format("queue {}", index)));
            break;
        }
        if (auto r = q.push_used(chain.head(), std::min(*written, chain.writable_len())); !r) {
            device_error(std::move(r).error().with_context(fmt::format("queue {}", index)));
            break;
        }
        ++served;
    }
    if (served == limit)
        log::debug("virtio-{}: queue {} still busy after {} chains; the rest waits for the next kick", m_name,
                   index, served);
    if (served > 0)
        signal_used(index);
    return served;
}

void VirtioDevice::signal_used(u16 index) {
    auto wanted = m_queues.at(index).needs_notification();
    if (!wanted) {
        device_error(std::move(wanted).error().with_context(fmt::format("queue {}", index)));
        return;
    }
    if (*wanted && m_sink)
        m_sink->used_buffer_notification(index);
}

void VirtioDevice::config_changed() {
    ++m_config_generation;
    if (driver_ok() && m_sink)
        m_sink->config_change_notification();
}

void VirtioDevice::device_error(const Error& e) {
    u64 count = m_device_errors.fetch_add(1, std::memory_order_relaxed) + 1;
    if (log::worth_logging(count))
        log::warn("virtio-{}: {} (device error #{}; the device needs a reset)", m_name, e.message(), count);
    if (needs_reset())
        return;
    m_status |= status::kNeedsReset;
    if (driver_ok() && m_sink)
        m_sink->config_change_notification();
}

void VirtioDevice::protocol_error(std::string_view what) {
    u64 count = m_protocol_errors.fetch_add(1, std::memory_order_relaxed) + 1;
    if (log::worth_logging(count))
        log::warn("virtio-{}: ignoring {} (status {:#x}; protocol error #{})", m_name, what, m_status, count);
}

} // namespace kite::virtio
