#include "devices/i8042/i8042.h"

#include "base/log.h"

#include <algorithm>

namespace kite::devices {

void I8042::read(u64, std::span<u8> data) {
    std::ranges::fill(data, u8{0});
}

void I8042::write(u64 offset, std::span<const u8> data) {
    if (offset != kCommandOffset || data.size() != 1)
        return;
    if (data[0] == kCommandPulseReset) {
        log::debug("i8042: guest requested reset");
        if (m_on_reset)
            m_on_reset();
    }
}

} // namespace kite::devices
