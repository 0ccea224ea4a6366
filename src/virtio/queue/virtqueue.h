#pragma once

#include "base/error.h"
#include "base/types.h"
#include "memory/guest_address.h"
#include "memory/guest_memory.h"
#include "virtio/queue/descriptor_chain.h"
#include "virtio/queue/virtio_spec.h"

#include <optional>
#include <span>

namespace kite::virtio {

// The device side of one split virtqueue (virtio 1.2, 2.7). The transport sets
// the size and the three area addresses while the queue is not ready, then
// activate() checks them and makes the queue ready. The device model pops
// descriptor chains, hands each back with push_used(), and asks
// needs_notification() whether to interrupt the driver.
//
// Everything the guest controls is checked before use: a malformed ring or
// chain makes pop() return an error and leaves the queue broken (pop() then
// yields nothing and push_used() fails) until reset(); the device model is
// expected to enter NEEDS_RESET. Nothing the guest writes can crash or hang the
// device: every walk is bounded by the queue size or the indirect table size.
//
// Not thread-safe: the owner (the device model) serialises calls with its lock.
class Virtqueue {
public:
    // The most entries an indirect table may have. Linux sizes indirect tables
    // by the request's segment count, which may exceed the queue size, so the
    // bound is the largest queue size rather than this queue's.
    static constexpr u32 kMaxIndirectEntries = kMaxQueueSize;

    // `max_size` must be a power of two in [1, 32768] (a programming error otherwise).
    Virtqueue(const GuestMemory& memory, u16 max_size);

    u16 max_size() const { return m_max_size; }

    // Configuration, written by the transport. Ignored (returns false) while the
    // queue is ready, as the spec forbids changing a live queue.
    bool set_size(u32 size);
    bool set_desc_addr(GuestAddress a);
    bool set_driver_addr(GuestAddress a); // the available ring
    bool set_device_addr(GuestAddress a); // the used ring
    u32 size() const { return m_size; }
    GuestAddress desc_addr() const { return m_desc; }
    GuestAddress driver_addr() const { return m_avail; }
    GuestAddress device_addr() const { return m_used; }

    // Checks the configuration (size a power of two no larger than max_size(),
    // areas aligned, inside guest RAM and not overlapping) and makes the queue
    // ready with the negotiated features (EVENT_IDX, INDIRECT_DESC).
    Result<void> activate(u64 negotiated_features);
    // Back to the state after device reset: not ready, size max_size(), addresses 0.
    void reset();

    bool ready() const { return m_ready; }
    bool broken() const { return m_broken; }
    bool event_idx() const { return m_event_idx; }
    bool indirect() const { return m_indirect; }

    // The next available chain, fully validated; nullopt when the driver has
    // made none available (or the queue is not ready or broken). With EVENT_IDX,
    // finding the ring empty also asks the driver (avail_event) to notify on
    // the next buffer it makes available.
    Result<std::optional<DescriptorChain>> pop();

    // Returns a chain to the driver: writes the used element, then (after a
    // release fence) the new used index.
    Result<void> push_used(u16 head, u32 written_len);
    // Returns several chains and publishes them with one used-index store, so
    // the driver never sees part of the batch (a frame spread over several
    // receive buffers).
    Result<void> push_used_batch(std::span<const VirtqUsedElem> elems);

    // Whether the driver wants a used-buffer notification for what was pushed
    // since the last call: EVENT_IDX's used_event rule when negotiated, else
    // the available ring's NO_INTERRUPT flag. Call after push_used().
    Result<bool> needs_notification();

    // Device-side ring indices (free-running u16).
    u16 next_avail() const { return m_next_avail; }
    u16 next_used() const { return m_next_used; }
    // Sets the device-side indices (state restore, tests and fuzzing).
    void set_indices(u16 next_avail, u16 next_used);

private:
    Result<DescriptorChain> read_chain(u16 head) const;
    Result<void> read_indirect(DescriptorChain& chain, const VirtqDesc& desc) const;
    Result<u16> read_avail_idx() const;
    std::unexpected<Error> fail(Error e);

    const GuestMemory* m_memory;
    u16 m_max_size;
    u32 m_size;
    GuestAddress m_desc;
    GuestAddress m_avail;
    GuestAddress m_used;
    bool m_ready{false};
    bool m_broken{false};
    bool m_event_idx{false};
    bool m_indirect{false};
    u16 m_next_avail{0};
    u16 m_next_used{0};
    u16 m_signalled_used{0}; // next_used at the last needs_notification()
};

} // namespace kite::virtio
