#include "devices/sifive_test/sifive_test.h"

#include "base/le_bytes.h"
#include "base/log.h"

#include <algorithm>

namespace kite::devices {

void SifiveTest::read(u64, std::span<u8> data) {
    std::ranges::fill(data, u8{0});
}

void SifiveTest::write(u64 offset, std::span<const u8> data) {
    if (offset != 0 || (data.size() != 2 && data.size() != 4)) {
        if (m_ignored.fetch_add(1, std::memory_order_relaxed) == 0)
            log::warn("sifive_test: ignoring {}-byte write at offset {:#x}", data.size(), offset);
        return;
    }
    const auto value = static_cast<u32>(load_le(data));
    SifiveTestEvent event{};
    switch (value & 0xFFFF) {
    case kPass:
        event = {SifiveTestEvent::Kind::Pass, 0};
        break;
    case kReset:
        event = {SifiveTestEvent::Kind::Reset, 0};
        break;
    case kFail:
        event = {SifiveTestEvent::Kind::Fail, static_cast<u16>(value >> 16)};
        break;
    default:
        if (m_ignored.fetch_add(1, std::memory_order_relaxed) == 0)
            log::warn("sifive_test: ignoring unknown command {:#x}", value);
        return;
    }
    log::debug("sifive_test: guest wrote {:#x}", value);
    if (m_on_event)
        m_on_event(event);
}

} // namespace kite::devices
