#include "boot/load_segment.h"

#include "boot/byte_io.h"

#include <algorithm>

namespace kite::boot {

Result<void> check_segments(const GuestMemory& memory, std::span<const LoadSegment> segments) {
    for (const auto& seg : segments) {
        if (seg.data.size() > seg.mem_size)
            return error("segment at {:#x} has more file bytes ({}) than memory bytes ({})", seg.address,
                         seg.data.size(), seg.mem_size);
        auto end = checked_add(seg.address, seg.mem_size);
        if (!end)
            return error("segment at {:#x} ({:#x} bytes) wraps the address space", seg.address, seg.mem_size);
        if (seg.mem_size == 0)
            continue;
        if (!memory.is_valid_range(GuestAddress(seg.address), seg.mem_size))
            return error("segment at {:#x} ({:#x} bytes) is outside guest RAM", seg.address, seg.mem_size);
    }
    return {};
}

Result<void> load_segments(const GuestMemory& memory, std::span<const LoadSegment> segments) {
    // Validate everything first so a bad image leaves guest memory untouched.
    TRY(check_segments(memory, segments));
    for (const auto& seg : segments) {
        TRY(memory.write(GuestAddress(seg.address), seg.data));
        TRY(memory.fill(GuestAddress(seg.address + seg.data.size()), 0, seg.mem_size - seg.data.size()));
    }
    return {};
}

u64 segments_end(std::span<const LoadSegment> segments) {
    u64 end = 0;
    for (const auto& seg : segments)
        end = std::max(end, checked_add(seg.address, seg.mem_size).value_or(~u64{0}));
    return end;
}

} // namespace kite::boot
