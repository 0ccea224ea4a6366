#include "boot/load_segment.h"

#include "boot/byte_io.h"
#include "boot/x86_layout.h"

#include <algorithm>

namespace kite::boot {
namespace {

constexpr KeepOutRange kX86BootArea{kBootAreaStart, kBootAreaEnd, "the boot area"};

} // namespace

Result<void> check_segments(const GuestMemory& memory, std::span<const LoadSegment> segments,
                            std::span<const KeepOutRange> keep_out) {
    for (const auto& seg : segments) {
        if (seg.data.size() > seg.mem_size)
            return error("segment at {:#x} has more file bytes ({}) than memory bytes ({})", seg.address,
                         seg.data.size(), seg.mem_size);
        auto end = checked_add(seg.address, seg.mem_size);
        if (!end)
            return error("segment at {:#x} ({:#x} bytes) wraps the address space", seg.address, seg.mem_size);
        if (seg.mem_size == 0)
            continue;
        for (const auto& range : keep_out) {
            if (seg.address<range.end&& * end> range.start)
                return error("segment at {:#x} ({:#x} bytes) overlaps {} [{:#x}, {:#x})", seg.address,
                             seg.mem_size, range.name, range.start, range.end);
        }
        if (!memory.is_valid_range(GuestAddress(seg.address), seg.mem_size))
            return error("segment at {:#x} ({:#x} bytes) is outside guest RAM", seg.address, seg.mem_size);
    }
    return {};
}

Result<void> load_segments(const GuestMemory& memory, std::span<const LoadSegment> segments,
                           std::span<const KeepOutRange> keep_out) {
    // Validate everything first so a bad image leaves guest memory untouched.
    TRY(check_segments(memory, segments, keep_out));
    for (const auto& seg : segments) {
        TRY(memory.write(GuestAddress(seg.address), seg.data));
        TRY(memory.fill(GuestAddress(seg.address + seg.data.size()), 0, seg.mem_size - seg.data.size()));
    }
    return {};
}

Result<void> check_segments(const GuestMemory& memory, std::span<const LoadSegment> segments) {
    return check_segments(memory, segments, std::span(&kX86BootArea, 1));
}

Result<void> load_segments(const GuestMemory& memory, std::span<const LoadSegment> segments) {
    return load_segments(memory, segments, std::span(&kX86BootArea, 1));
}

u64 segments_end(std::span<const LoadSegment> segments) {
    u64 end = 0;
    for (const auto& seg : segments)
        end = std::max(end, checked_add(seg.address, seg.mem_size).value_or(~u64{0}));
    return end;
}

} // namespace kite::boot
