#include "bus/register_device.h"

#include "base/le_bytes.h"
#include "base/log.h"

namespace kite {

bool RegisterDevice::valid(u64 offset, std::size_t width) const {
    if (width == 0 || width > 8 || (width & (width - 1)) != 0 || (m_layout.widths & width) == 0)
        return false;
    if (m_layout.aligned && offset % width != 0)
        return false;
    return offset < m_layout.length && width <= m_layout.length - offset;
}

void RegisterDevice::note_ignored(const char* kind, u64 offset, std::size_t width) {
    u64 n = m_ignored.fetch_add(1, std::memory_order_relaxed) + 1;
    if (log::worth_logging(n))
        log::warn("{}: ignoring {}-byte {} at offset {:#x} ({} so far)", m_layout.name, width, kind, offset,
                  n);
}

void RegisterDevice::read(u64 offset, std::span<u8> data) {
    if (!valid(offset, data.size())) {
        store_le(data, m_layout.invalid_read);
        note_ignored("read", offset, data.size());
        return;
    }
    store_le(data, m_read(offset, static_cast<unsigned>(data.size())));
}

void RegisterDevice::write(u64 offset, std::span<const u8> data) {
    if (!valid(offset, data.size())) {
        note_ignored("write", offset, data.size());
        return;
    }
    m_write(offset, static_cast<unsigned>(data.size()), load_le(data));
}

} // namespace kite
