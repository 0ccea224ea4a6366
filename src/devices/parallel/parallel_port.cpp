#include "devices/parallel/parallel_port.h"

#include "bus/register_device.h"

namespace kite::devices {

namespace {

constexpr u8 kControlMask = 0x3F;
constexpr u8 kControlReadsAsOne = 0xC0;

} // namespace

ParallelPort::ParallelPort(std::shared_ptr<IrqLine> irq, OutputSink sink)
    : m_irq(std::move(irq)), m_sink(std::move(sink)) {}

u8 ParallelPort::read(u8 offset) {
    std::lock_guard lock(m_mutex);
    switch (offset) {
    case kData:
        return (m_control & kControlReverse) ? 0xFF : m_data;
    case kStatus:
        return kStatusReady;
    case kControl:
        return static_cast<u8>(m_control | kControlReadsAsOne);
    default:
        return 0xFF;
    }
}

void ParallelPort::write(u8 offset, u8 value) {
    std::lock_guard lock(m_mutex);
    switch (offset) {
    case kData:
        m_data = value;
        break;
    case kControl:
        write_control(value);
        break;
    default:
        break; // status is read-only
    }
}

void ParallelPort::write_control(u8 value) {
    bool strobe_released = (m_control & kControlStrobe) && !(value & kControlStrobe);
    m_control = value & kControlMask;
    // A reset (nINIT low) or a strobe while the port is turned around prints nothing.
    if (!strobe_released || (m_control & kControlReverse) || !(m_control & kControlNotInit))
        return;
    ++m_printed;
    if (m_sink)
        m_sink(m_data);
    // The printer acknowledges at once; nACK's rising edge interrupts when enabled.
    if (m_irq && (m_control & kControlIrqEnable)) {
        m_irq->set_level(true);
        m_irq->set_level(false);
    }
}

u64 ParallelPort::printed_count() const {
    std::lock_guard lock(m_mutex);
    return m_printed;
}

Result<void> ParallelPort::attach(Bus& pio, u64 base, std::shared_ptr<ParallelPort> port) {
    return attach_byte_registers(pio, base, kPortCount, "parallel", std::move(port));
}

} // namespace kite::devices
