#pragma once

// Constants and wire layouts from the virtio 1.2 specification that every part
// of the virtio stack shares. Modern virtio is little-endian on the wire; Kite
// only runs on little-endian hosts, so the structs below are read as is.

#include "base/types.h"

#include <bit>
#include <cstddef>

namespace kite::virtio {

static_assert(std::endian::native == std::endian::little, "virtio structures are read in host byte order");

// Device IDs (spec 5).
enum class DeviceId : u32 {
    Net = 1,
    Block = 2,
    Console = 3,
    Entropy = 4,
};

// Reserved feature bits (spec 6) that the split virtqueue and the device model use.
namespace feature {
constexpr u64 kIndirectDesc = 1ull << 28;
constexpr u64 kRingEventIdx = 1ull << 29;
constexpr u64 kVersion1 = 1ull << 32;
constexpr u64 kAccessPlatform = 1ull << 33;
constexpr u64 kRingPacked = 1ull << 34;
} // namespace feature

// Device status bits (spec 2.1).
namespace status {
constexpr u8 kAcknowledge = 1;
constexpr u8 kDriver = 2;
constexpr u8 kDriverOk = 4;
constexpr u8 kFeaturesOk = 8;
constexpr u8 kNeedsReset = 64;
constexpr u8 kFailed = 128;
} // namespace status

// Split virtqueue (spec 2.7).
constexpr u16 kDescFNext = 1;
constexpr u16 kDescFWrite = 2;
constexpr u16 kDescFIndirect = 4;
constexpr u16 kAvailFNoInterrupt = 1;
constexpr u16 kUsedFNoNotify = 1;

// The largest queue size a split virtqueue may have.
constexpr u32 kMaxQueueSize = 32768;

struct VirtqDesc {
    u64 addr;
    u32 len;
    u16 flags;
    u16 next;
};
static_assert(sizeof(VirtqDesc) == 16);
static_assert(offsetof(VirtqDesc, addr) == 0);
static_assert(offsetof(VirtqDesc, len) == 8);
static_assert(offsetof(VirtqDesc, flags) == 12);
static_assert(offsetof(VirtqDesc, next) == 14);

struct VirtqUsedElem {
    u32 id; // head index of the chain (u32 for padding reasons)
    u32 len;
};
static_assert(sizeof(VirtqUsedElem) == 8);
static_assert(offsetof(VirtqUsedElem, len) == 4);

// Byte offsets and sizes of the three areas of a split virtqueue of `size` entries.
// Available ring: flags u16, idx u16, ring[size] u16, used_event u16.
// Used ring: flags u16, idx u16, ring[size] VirtqUsedElem, avail_event u16.
namespace layout {
constexpr u64 kDescAlign = 16;
constexpr u64 kAvailAlign = 2;
constexpr u64 kUsedAlign = 4;

constexpr u64 desc_table_size(u32 size) {
    return u64{16} * size;
}
constexpr u64 kAvailFlags = 0;
constexpr u64 kAvailIdx = 2;
constexpr u64 avail_ring_entry(u32 i) {
    return 4 + u64{2} * i;
}
constexpr u64 used_event(u32 size) {
    return 4 + u64{2} * size;
}
constexpr u64 avail_size(u32 size) {
    return 6 + u64{2} * size;
}
constexpr u64 kUsedFlags = 0;
constexpr u64 kUsedIdx = 2;
constexpr u64 used_ring_entry(u32 i) {
    return 4 + u64{8} * i;
}
constexpr u64 avail_event(u32 size) {
    return 4 + u64{8} * size;
}
constexpr u64 used_size(u32 size) {
    return 6 + u64{8} * size;
}
} // namespace layout

// The EVENT_IDX rule (spec 2.7.7.2 / 2.7.10): the other side asked to be told
// once the index moves past `event_idx`; true if moving from `old_idx` to
// `new_idx` crossed it. All arithmetic is modulo 2^16.
constexpr bool need_event(u16 event_idx, u16 new_idx, u16 old_idx) {
    return static_cast<u16>(new_idx - event_idx - 1) < static_cast<u16>(new_idx - old_idx);
}

} // namespace kite::virtio
