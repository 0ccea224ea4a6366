#include "devices/uart16550/uart16550_device.h"

namespace kite::devices {

Uart16550Device::Uart16550Device(std::shared_ptr<IrqLine> irq, Uart16550::OutputSink sink)
    : m_core(std::move(irq), std::move(sink)),
      m_regs(
          {.name = "uart16550", .length = kPortCount},
          [this](u64 offset, unsigned) -> u64 {
              std::lock_guard lock(m_mutex);
              return m_core.read(static_cast<u8>(offset));
          },
          [this](u64 offset, unsigned, u64 value) {
              std::lock_guard lock(m_mutex);
              m_core.write(static_cast<u8>(offset), static_cast<u8>(value));
          }) {}

void Uart16550Device::read(u64 offset, std::span<u8> data) {
    m_regs.read(offset, data);
}

void Uart16550Device::write(u64 offset, std::span<const u8> data) {
    m_regs.write(offset, data);
}

std::size_t Uart16550Device::receive(std::span<const u8> bytes) {
    std::lock_guard lock(m_mutex);
    return m_core.receive(bytes);
}

u64 Uart16550Device::dropped_input_count() const {
    std::lock_guard lock(m_mutex);
    return m_core.dropped_input_count();
}

void Uart16550Device::save_state(StateWriter& out) const {
    std::lock_guard lock(m_mutex);
    m_core.save(out);
}

Result<void> Uart16550Device::restore_state(StateReader& in) {
    std::lock_guard lock(m_mutex);
    return m_core.restore(in);
}

} // namespace kite::devices
