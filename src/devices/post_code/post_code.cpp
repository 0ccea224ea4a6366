#include "devices/post_code/post_code.h"

#include "bus/register_device.h"

namespace kite::devices {

u8 PostCode::read() const {
    return m_value.load(std::memory_order_relaxed);
}

void PostCode::write(u8 value) {
    m_value.store(value, std::memory_order_relaxed);
    m_written.store(true, std::memory_order_relaxed);
    m_writes.fetch_add(1, std::memory_order_relaxed);
}

Result<void> PostCode::attach(Bus& pio, std::shared_ptr<PostCode> device) {
    auto regs = std::make_shared<RegisterDevice>(
        RegisterDevice::Layout{.name = "post-code", .length = 1},
        [device](u64, unsigned) -> u64 { return device->read(); },
        [device](u64, unsigned, u64 value) { device->write(static_cast<u8>(value)); });
    return pio.insert(kPort, 1, std::move(regs), "post-code");
}

} // namespace kite::devices
