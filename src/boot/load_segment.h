#pragma once

#include "base/error.h"
#include "memory/guest_memory.h"

#include <span>

namespace kite::boot {

// One piece of a kernel image to place in guest memory: `data` is copied to
// `address` and the remaining `mem_size - data.size()` bytes are zeroed (bss).
// `data` borrows from the kernel image, which must outlive the segment.
struct LoadSegment {
    u64 address{0};
    std::span<const u8> data;
    u64 mem_size{0};
};

// Checks, without writing anything, that every segment is well formed
// (data fits in mem_size, no wrap) and lies entirely in guest RAM.
Result<void> check_segments(const GuestMemory& memory, std::span<const LoadSegment> segments);

// Checks all segments, then copies them in and zeroes their tails.
Result<void> load_segments(const GuestMemory& memory, std::span<const LoadSegment> segments);

// The exclusive end of the highest segment (0 when there are none; saturates
// at 2^64-1 for a segment that would wrap).
u64 segments_end(std::span<const LoadSegment> segments);

} // namespace kite::boot
