#include "devices/uart16550/uart16550_device.h"

#include "base/log.h"

#include <algorithm>

namespace kite::devices {

Uart16550Device::Uart16550Device(std::shared_ptr<IrqLine> irq, Uart16550::OutputSink sink)
    : m_core(std::move(irq), std::move(sink)) {}

void Uart16550Device::read(u64 offset, std::span<u8> data) {
    if (data.size() != 1 || offset >= kPortCount) {
        std::ranges::fill(data, u8{0xFF});
        if (m_bad_width.fetch_add(1, std::memory_order_relaxed) == 0)
            log::warn("uart16550: ignoring {}-byte read at offset {}", data.size(), offset);
        return;
    }
    std::lock_guard lock(m_mutex);
    data[0] = m_core.read(static_cast<u8>(offset));
}

void Uart16550Device::write(u64 offset, std::span<const u8> data) {
    if (data.size() != 1 || offset >= kPortCount) {
        if (m_bad_width.fetch_add(1, std::memory_order_relaxed) == 0)
            log::warn("uart16550: ignoring {}-byte write at offset {}", data.size(), offset);
        return;
    }
    std::lock_guard lock(m_mutex);
    m_core.write(static_cast<u8>(offset), data[0]);
}

std::size_t Uart16550Device::receive(std::span<const u8> bytes) {
    std::lock_guard lock(m_mutex);
    return m_core.receive(bytes);
}

u64 Uart16550Device::dropped_input_count() const {
    std::lock_guard lock(m_mutex);
    return m_core.dropped_input_count();
}

} // namespace kite::devices
