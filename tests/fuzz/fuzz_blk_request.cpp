// libFuzzer target: the virtio-blk request parser over hostile guest memory.
// As in fuzz_virtqueue, the input picks a split virtqueue's size, features,
// indices and ring addresses and fills guest RAM (descriptor tables, rings,
// request headers, discard segments); it also picks the device limits
// (capacity, read-only, negotiated discard/write-zeroes, segment limits).
// Every chain the queue yields is parsed. Guest RAM is two adjacent regions so
// data buffers that cross a region boundary are split into several iovecs.
// Every input must end in bounded time without a crash or sanitizer report,
// and every parsed request must respect the limits: host iovecs inside guest
// RAM and adding up to the data length, whole sectors within the capacity,
// no writes to a read-only disk, the status byte in guest RAM.

#include "fuzz_input.h"
#include "memory/guest_memory.h"
#include "virtio/blk/blk_request.h"
#include "virtio/queue/virtqueue.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>

namespace {

using namespace kite;
namespace blk = kite::virtio::blk;

constexpr u64 kRamBase = 0x1000'0000;
constexpr u64 kRegionSize = 128 * KiB;
constexpr u64 kRamSize = 2 * kRegionSize;

const GuestMemory& guest_memory() {
    static GuestMemory memory = [] {
        GuestMemory m;
        if (!m.add_region(GuestAddress(kRamBase), kRegionSize) ||
            !m.add_region(GuestAddress(kRamBase + kRegionSize), kRegionSize))
            std::abort();
        return m;
    }();
    return memory;
}

using fuzz::take;

// The iovec lies inside one region's host mapping.
bool in_guest_ram(const GuestMemory& memory, const iovec& v) {
    const auto* p = static_cast<const u8*>(v.iov_base);
    for (const GuestRegion& r : memory.regions()) {
        const u8* start = r.mapping.data();
        if (p >= start && v.iov_len <= r.size() &&
            p - start <= static_cast<std::ptrdiff_t>(r.size() - v.iov_len))
            return true;
    }
    return false;
}

bool in_capacity(u64 sector, u64 count, u64 capacity) {
    return sector <= capacity && count <= capacity - sector;
}

void check(const GuestMemory& memory, const virtio::DescriptorChain& chain, const blk::BlkLimits& limits,
           const blk::BlkRequest& r) {
    if (r.used_len != chain.writable_len() || !memory.is_valid_range(r.status_addr, 1))
        std::abort();
    switch (r.op) {
    case blk::BlkOp::Read:
    case blk::BlkOp::Write: {
        if (r.op == blk::BlkOp::Write && limits.readonly)
            std::abort();
        if (r.data_len % blk::kSectorSize != 0 ||
            !in_capacity(r.sector, r.data_len / blk::kSectorSize, limits.capacity_sectors))
            std::abort();
        if (r.iovecs.size() > limits.max_data_iovecs)
            std::abort();
        u64 total = 0;
        for (const iovec& v : r.iovecs) {
            if (v.iov_len == 0 || !in_guest_ram(memory, v))
                std::abort();
            total += v.iov_len;
        }
        if (total != r.data_len)
            std::abort();
        const u64 available = r.op == blk::BlkOp::Read ? chain.writable_len() - 1u
                                                       : chain.readable_len() - u64{blk::kHeaderSize};
        if (r.data_len != available)
            std::abort();
        break;
    }
    case blk::BlkOp::Flush:
        break;
    case blk::BlkOp::GetId:
        if (r.data_len + 1 != chain.writable_len())
            std::abort();
        break;
    case blk::BlkOp::Discard:
    case blk::BlkOp::WriteZeroes: {
        const bool discard = r.op == blk::BlkOp::Discard;
        if (limits.readonly || !(discard ? limits.discard : limits.write_zeroes))
            std::abort();
        const u32 max_segments = discard ? limits.max_discard_segments : limits.max_write_zeroes_segments;
        const u32 max_sectors = discard ? limits.max_discard_sectors : limits.max_write_zeroes_sectors;
        if (r.ranges.empty() || r.ranges.size() > max_segments)
            std::abort();
        for (const blk::BlkRange& range : r.ranges) {
            if (range.num_sectors > max_sectors ||
                !in_capacity(range.sector, range.num_sectors, limits.capacity_sectors) ||
                (discard && range.unmap))
                std::abort();
        }
        break;
    }
    case blk::BlkOp::Answer:
        if (r.status != blk::kStatusIoErr && r.status != blk::kStatusUnsupp)
            std::abort();
        break;
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const GuestMemory& memory = guest_memory();
    std::span<const u8> in(data, size);

    const u8 size_log2 = take<u8>(in) % 9; // 1 .. 256, the device's queue size
    const u8 flags = take<u8>(in);
    const u16 next_avail = take<u16>(in);
    auto address = [&] { return GuestAddress(kRamBase + take<u32>(in) % kRamSize); };
    const GuestAddress desc = address();
    const GuestAddress avail = address();
    const GuestAddress used = address();

    blk::BlkLimits limits;
    const u32 capacity = take<u32>(in);
    limits.capacity_sectors = (flags & 0x80) ? ~u64{0} - capacity : capacity;
    limits.readonly = (flags & 0x04) != 0;
    limits.discard = (flags & 0x08) != 0;
    limits.write_zeroes = (flags & 0x10) != 0;
    limits.max_discard_sectors = take<u32>(in);
    limits.max_write_zeroes_sectors = take<u32>(in);
    limits.max_discard_segments = take<u8>(in);
    limits.max_write_zeroes_segments = take<u8>(in);
    limits.max_data_iovecs = 1 + take<u8>(in) % 64;

    fuzz::load_guest_ram(memory, GuestAddress(kRamBase), kRamSize, in);

    const u16 queue_size = static_cast<u16>(1u << size_log2);
    virtio::Virtqueue queue(memory, queue_size);
    if (!fuzz::activate_queue(queue, queue_size, desc, avail, used, flags))
        return 0;
    queue.set_indices(next_avail, next_avail);

    for (u32 i = 0; i < 4 * queue.size(); ++i) {
        auto popped = queue.pop();
        if (!popped || !*popped)
            break;
        const virtio::DescriptorChain& chain = **popped;
        auto request = blk::parse_blk_request(memory, chain, limits);
        if (request)
            check(memory, chain, limits, *request);
        else if (chain.writable_len() != 0 && chain.readable_len() >= blk::kHeaderSize)
            std::abort(); // only a missing status byte or a short header is unanswerable
        (void)queue.push_used(chain.head(), 0);
    }
    return 0;
}
