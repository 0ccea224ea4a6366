#include "bus/bus.h"

#include "base/log.h"

#include <algorithm>
#include <cstring>

namespace kite {

Result<void> Bus::insert(u64 base, u64 length, std::shared_ptr<BusDevice> device, std::string device_name) {
    if (length == 0)
        return error("{} bus: {} has a zero-length range", m_name, device_name);
    if (base + length < base)
        return error("{} bus: {} range at {:#x} wraps the address space", m_name, device_name, base);
    if (!device)
        return error("{} bus: {} has no device", m_name, device_name);
    for (const auto& r : m_ranges) {
        if (base < r.base + r.length && r.base < base + length)
            return error("{} bus: {} at [{:#x}, {:#x}) overlaps {} at [{:#x}, {:#x})", m_name, device_name,
                         base, base + length, r.device_name, r.base, r.base + r.length);
    }
    auto pos = std::upper_bound(m_ranges.begin(), m_ranges.end(), base,
                                [](u64 b, const Range& r) { return b < r.base; });
    m_ranges.insert(pos, Range{base, length, std::move(device), std::move(device_name)});
    return {};
}

const Bus::Range* Bus::find(u64 address, u64 size) const {
    auto it = std::upper_bound(m_ranges.begin(), m_ranges.end(), address,
                               [](u64 a, const Range& r) { return a < r.base; });
    if (it == m_ranges.begin())
        return nullptr;
    --it;
    u64 offset = address - it->base;
    // The whole access must fall inside the range.
    if (offset >= it->length || size > it->length - offset)
        return nullptr;
    return &*it;
}

void Bus::note_unhandled(const char* kind, u64 address, std::size_t size) {
    u64 n = m_unhandled.fetch_add(1, std::memory_order_relaxed) + 1;
    // Rate-limited: a guest probing for hardware may do this thousands of times.
    if (log::worth_logging(n))
        log::debug("{} bus: unhandled {} of {} bytes at {:#x} ({} so far)", m_name, kind, size, address, n);
}

bool Bus::read(u64 address, std::span<u8> data) {
    if (const Range* r = find(address, data.size())) {
        r->device->read(address - r->base, data);
        return true;
    }
    std::memset(data.data(), 0xff, data.size());
    note_unhandled("read", address, data.size());
    return false;
}

bool Bus::write(u64 address, std::span<const u8> data) {
    if (const Range* r = find(address, data.size())) {
        r->device->write(address - r->base, data);
        return true;
    }
    note_unhandled("write", address, data.size());
    return false;
}

} // namespace kite
