#pragma once

#include "base/types.h"
#include "memory/guest_memory.h"
#include "virtio/queue/virtqueue.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <span>

namespace kite::fuzz {

// Takes the next sizeof(T) bytes of fuzz input as a T (zero-filled when the
// input runs out) and advances past them.
template <typename T>
T take(std::span<const u8>& in) {
    T value{};
    std::size_t n = std::min(sizeof(T), in.size());
    std::memcpy(&value, in.data(), n);
    in = in.subspan(n);
    return value;
}

// Guest RAM of one region [base, base + size); targets keep one for the
// process (`static const GuestMemory memory = fuzz::one_region(...)`).
inline GuestMemory one_region(GuestAddress base, u64 size) {
    GuestMemory memory;
    if (!memory.add_region(base, size))
        std::abort();
    return memory;
}

// Entropy for a virtio-rng under fuzzing: the same bytes every time, so a
// finding replays.
inline Result<void> fixed_entropy(std::span<u8> out) {
    std::fill(out.begin(), out.end(), u8{0x5A});
    return {};
}

// Guest RAM [base, base + size) becomes the rest of the input, zero-padded:
// descriptor tables, rings and buffers as a hostile guest would lay them out.
inline void load_guest_ram(const GuestMemory& memory, GuestAddress base, u64 size, std::span<const u8> in) {
    if (!memory.fill(base, 0, size) || !memory.write(base, in.first(std::min<std::size_t>(in.size(), size))))
        std::abort();
}

// Configures `queue` with the input's size and ring addresses and activates
// it with VERSION_1, plus EVENT_IDX (flags bit 0) and INDIRECT_DESC (bit 1).
// Returns whether the queue accepted the configuration.
inline bool activate_queue(virtio::Virtqueue& queue, u32 size, GuestAddress desc, GuestAddress avail,
                           GuestAddress used, u8 flags) {
    queue.set_size(size);
    queue.set_desc_addr(desc);
    queue.set_driver_addr(avail);
    queue.set_device_addr(used);
    u64 features = virtio::feature::kVersion1;
    if (flags & 1)
        features |= virtio::feature::kRingEventIdx;
    if (flags & 2)
        features |= virtio::feature::kIndirectDesc;
    return queue.activate(features).has_value();
}

} // namespace kite::fuzz
