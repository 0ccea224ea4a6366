#include "devices/acpi_pm/reset_control.h"

#include "bus/register_device.h"

namespace kite::devices {

u8 ResetControl::read() const {
    return m_value.load(std::memory_order_relaxed);
}

void ResetControl::write(u8 value) {
    m_value.store(value & (kSystemReset | kFullReset), std::memory_order_relaxed);
    if ((value & kResetCpu) && m_on_reset)
        m_on_reset();
}

std::shared_ptr<BusDevice> ResetControl::bus_device(std::shared_ptr<ResetControl> reset) {
    return std::make_shared<RegisterDevice>(
        RegisterDevice::Layout{.name = "reset-control", .length = 1},
        [reset](u64, unsigned) -> u64 { return reset->read(); },
        [reset](u64, unsigned, u64 value) { reset->write(static_cast<u8>(value)); });
}

} // namespace kite::devices
