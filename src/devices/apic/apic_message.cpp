#include "devices/apic/apic_message.h"

namespace kite::devices {

std::optional<ApicMessage> decode_msi(u64 address, u32 data) {
    if ((address & ~u64{0xFFFF'FFFF}) != 0 || (address & kMsiAddressMask) != kMsiAddressBase)
        return std::nullopt;
    u32 mode = (data >> 8) & 7;
    if (mode == 3 || mode == static_cast<u32>(DeliveryMode::startup))
        return std::nullopt;
    ApicMessage message;
    message.destination = static_cast<u32>(address >> 12) & 0xFF;
    message.redirection_hint = (address >> 3) & 1;
    message.logical = (address >> 2) & 1;
    message.vector = static_cast<u8>(data);
    message.delivery = static_cast<DeliveryMode>(mode);
    message.assert_level = (data >> 14) & 1;
    message.level_triggered = (data >> 15) & 1;
    return message;
}

} // namespace kite::devices
