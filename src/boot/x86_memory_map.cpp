#include "boot/x86_memory_map.h"

#include "base/assert.h"
#include "boot/byte_io.h"
#include "boot/x86_layout.h"

#include <algorithm>

namespace kite::boot {
namespace {

u64 end_of(const MemoryMapEntry& e) {
    return e.base + e.length;
}

// Appends [base, end) to the map, merging with a touching entry of the same type.
void add_range(std::vector<MemoryMapEntry>& map, u64 base, u64 end, u32 type) {
    if (base >= end)
        return;
    if (!map.empty() && map.back().type == type && end_of(map.back()) == base) {
        map.back().length += end - base;
        return;
    }
    map.push_back({base, end - base, type});
}

} // namespace

std::vector<MemoryMapEntry> build_x86_memory_map(const GuestMemory& memory,
                                                 std::span<const MemoryMapEntry> extra) {
    std::vector<MemoryMapEntry> map;
    for (const auto& r : memory.regions())
        add_range(map, r.start.value, std::min(r.end(), kLowMemoryEnd), kMemoryRam);
    add_range(map, kLowMemoryEnd, kHighMemoryStart, kMemoryReserved);
    for (const auto& r : memory.regions())
        add_range(map, std::max(r.start.value, kHighMemoryStart), r.end(), kMemoryRam);
    if (extra.empty())
        return map;

    // Each extra range cuts a hole into what it overlaps, then goes in itself.
    for (const auto& x : extra) {
        if (x.length == 0)
            continue;
        KITE_ASSERT(x.base + x.length > x.base, "memory map range wraps");
        std::vector<MemoryMapEntry> cut;
        cut.reserve(map.size() + 2);
        for (const auto& e : map) {
            if (end_of(e) <= x.base || e.base >= end_of(x)) {
                cut.push_back(e);
                continue;
            }
            if (e.base < x.base)
                cut.push_back({e.base, x.base - e.base, e.type});
            if (end_of(e) > end_of(x))
                cut.push_back({end_of(x), end_of(e) - end_of(x), e.type});
        }
        cut.push_back(x);
        map = std::move(cut);
    }
    std::sort(map.begin(), map.end(), [](const auto& a, const auto& b) { return a.base < b.base; });
    std::vector<MemoryMapEntry> merged;
    merged.reserve(map.size());
    for (const auto& e : map)
        add_range(merged, e.base, end_of(e), e.type);
    return merged;
}

void store_memory_map(std::span<u8> out, std::size_t at, std::size_t stride,
                      std::span<const MemoryMapEntry> map) {
    for (const auto& e : map) {
        store_le<u64>(out, at, e.base);
        store_le<u64>(out, at + 8, e.length);
        store_le<u32>(out, at + 16, e.type);
        at += stride;
    }
}

} // namespace kite::boot
