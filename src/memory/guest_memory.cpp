#include "memory/guest_memory.h"

#include <algorithm>

namespace kite {

Result<void> GuestMemory::add_region(GuestAddress start, u64 size) {
    if (size == 0)
        return error("guest memory: zero-sized region at {:#x}", start.value);
    if (start.value + size < start.value)
        return error("guest memory: region at {:#x} of {:#x} bytes wraps the address space", start.value,
                     size);
    for (const auto& r : m_regions) {
        if (start.value < r.end() && r.start.value < start.value + size)
            return error("guest memory: region [{:#x}, {:#x}) overlaps [{:#x}, {:#x})", start.value,
                         start.value + size, r.start.value, r.end());
    }
    auto mapping = TRY_CONTEXT(MmapRegion::anonymous(size), "guest memory");
    GuestRegion region{start, std::move(mapping)};
    auto pos = std::upper_bound(m_regions.begin(), m_regions.end(), start,
                                [](GuestAddress a, const GuestRegion& r) { return a < r.start; });
    m_regions.insert(pos, std::move(region));
    return {};
}

u64 GuestMemory::total_size() const {
    u64 total = 0;
    for (const auto& r : m_regions)
        total += r.size();
    return total;
}

int GuestMemory::find_region(GuestAddress addr) const {
    // Few regions (one to three), so a linear scan beats anything cleverer.
    for (std::size_t i = 0; i < m_regions.size(); ++i) {
        if (m_regions[i].contains(addr))
            return static_cast<int>(i);
    }
    return -1;
}

template <typename Fn>
Result<void> GuestMemory::for_each_chunk(GuestAddress addr, u64 len, Fn&& fn) const {
    if (addr.value + len < addr.value)
        return error("guest memory: access at {:#x} of {:#x} bytes wraps", addr.value, len);
    u64 done = 0;
    while (done < len) {
        GuestAddress cur = addr + done;
        int idx = find_region(cur);
        if (idx < 0)
            return error("guest memory: address {:#x} is outside guest RAM", cur.value);
        const GuestRegion& r = m_regions[idx];
        u64 offset = cur.value - r.start.value;
        u64 chunk = std::min(len - done, r.size() - offset);
        fn(r.mapping.data() + offset, done, chunk);
        done += chunk;
    }
    return {};
}

bool GuestMemory::is_valid_range(GuestAddress addr, u64 len) const {
    return for_each_chunk(addr, len, [](u8*, u64, u64) {}).has_value();
}

Result<void> GuestMemory::read(GuestAddress addr, std::span<u8> out) const {
    if (!is_valid_range(addr, out.size()))
        return error("guest memory: read of {} bytes at {:#x} is outside guest RAM", out.size(), addr.value);
    return for_each_chunk(addr, out.size(), [&](u8* host, u64 done, u64 chunk) {
        std::memcpy(out.data() + done, host, chunk);
    });
}

Result<void> GuestMemory::write(GuestAddress addr, std::span<const u8> in) const {
    // Validate first so a failed write leaves guest memory untouched.
    if (!is_valid_range(addr, in.size()))
        return error("guest memory: write of {} bytes at {:#x} is outside guest RAM", in.size(), addr.value);
    return for_each_chunk(addr, in.size(),
                          [&](u8* host, u64 done, u64 chunk) { std::memcpy(host, in.data() + done, chunk); });
}

Result<void> GuestMemory::fill(GuestAddress addr, u8 value, u64 len) const {
    if (!is_valid_range(addr, len))
        return error("guest memory: fill of {} bytes at {:#x} is outside guest RAM", len, addr.value);
    return for_each_chunk(addr, len, [&](u8* host, u64, u64 chunk) { std::memset(host, value, chunk); });
}

Result<std::span<u8>> GuestMemory::slice(GuestAddress addr, u64 len) const {
    int idx = find_region(addr);
    if (idx < 0)
        return error("guest memory: address {:#x} is outside guest RAM", addr.value);
    const GuestRegion& r = m_regions[idx];
    u64 offset = addr.value - r.start.value;
    if (len > r.size() - offset)
        return error("guest memory: {} bytes at {:#x} cross the end of a RAM region", len, addr.value);
    return std::span<u8>(r.mapping.data() + offset, len);
}

} // namespace kite
