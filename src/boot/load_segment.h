#pragma once

#include "base/error.h"
#include "memory/guest_memory.h"

#include <span>
#include <string_view>

namespace kite::boot {

// One piece of a kernel image to place in guest memory: `data` is copied to
// `address` and the remaining `mem_size - data.size()` bytes are zeroed (bss).
// `data` borrows from the kernel image, which must outlive the segment.
struct LoadSegment {
    u64 address{0};
    std::span<const u8> data;
    u64 mem_size{0};
};

// A guest-physical range [start, end) that segments must not overlap, named in
// errors ("overlaps the boot area [0x1000, 0x10000)").
struct KeepOutRange {
    u64 start{0};
    u64 end{0};
    std::string_view name;
};

// Checks, without writing anything, that every segment is well formed
// (data fits in mem_size, no wrap), lies entirely in guest RAM and overlaps
// none of `keep_out`.
Result<void> check_segments(const GuestMemory& memory, std::span<const LoadSegment> segments,
                            std::span<const KeepOutRange> keep_out);

// Checks all segments against `keep_out`, then copies them in and zeroes their tails.
Result<void> load_segments(const GuestMemory& memory, std::span<const LoadSegment> segments,
                           std::span<const KeepOutRange> keep_out);

// The x86 forms: as above with the boot area [kBootAreaStart, kBootAreaEnd)
// as the one keep-out range.
Result<void> check_segments(const GuestMemory& memory, std::span<const LoadSegment> segments);
Result<void> load_segments(const GuestMemory& memory, std::span<const LoadSegment> segments);

// The exclusive end of the highest segment (0 when there are none; saturates
// at 2^64-1 for a segment that would wrap).
u64 segments_end(std::span<const LoadSegment> segments);

} // namespace kite::boot
