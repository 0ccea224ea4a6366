#include "devices/debug_exit/debug_exit.h"

#include "base/le_bytes.h"
#include "base/log.h"

#include <algorithm>

namespace kite::devices {

void DebugExit::read(u64, std::span<u8> data) {
    std::ranges::fill(data, u8{0});
}

void DebugExit::write(u64 offset, std::span<const u8> data) {
    if (data.size() != 1 && data.size() != 2 && data.size() != 4) {
        log::debug("debug-exit: ignoring {}-byte write at offset {}", data.size(), offset);
        return;
    }
    const auto value = static_cast<u32>(load_le(data));
    log::debug("debug-exit: guest wrote {:#x}", value);
    if (m_on_exit)
        m_on_exit(status_for(value));
}

} // namespace kite::devices
