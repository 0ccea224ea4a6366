// libFuzzer target: arbitrary bytes become a split virtqueue as a hostile guest
// would lay it out. The input picks the queue size, the negotiated features,
// the device's starting indices and the three ring addresses, and the rest
// fills guest RAM (descriptor tables, rings, indirect tables). The device side
// then pops, writes into and returns chains until the queue is empty or broken.
// Every input must end in bounded time without a crash or sanitizer report,
// and every popped segment must lie in guest RAM.

#include "fuzz_input.h"
#include "memory/guest_memory.h"
#include "virtio/queue/virtqueue.h"

#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>

namespace {

using namespace kite;

constexpr u64 kRamBase = 0x1000'0000;
constexpr u64 kRamSize = 256 * KiB;

const GuestMemory& guest_memory() {
    static const GuestMemory memory = fuzz::one_region(GuestAddress(kRamBase), kRamSize);
    return memory;
}

using fuzz::take;

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const GuestMemory& memory = guest_memory();
    std::span<const u8> in(data, size);

    const u8 size_log2 = take<u8>(in) % 16; // 1 .. 32768
    const u8 flags = take<u8>(in);
    const u16 next_avail = take<u16>(in);
    const u16 next_used = take<u16>(in);
    // Ring addresses: small offsets into RAM mostly, anywhere when the top bit is set.
    auto address = [&] {
        u32 raw = take<u32>(in);
        return (raw & 0x8000'0000u) ? GuestAddress(u64{raw} << 16)
                                    : GuestAddress(kRamBase + (raw % kRamSize));
    };
    const GuestAddress desc = address();
    const GuestAddress avail = address();
    const GuestAddress used = address();

    fuzz::load_guest_ram(memory, GuestAddress(kRamBase), kRamSize, in);

    const u16 queue_size = static_cast<u16>(1u << size_log2);
    virtio::Virtqueue queue(memory, queue_size);
    // Sometimes a size the queue must refuse.
    const u32 configured_size = (flags & 0x80) ? static_cast<u32>(next_used % 70000) : queue_size;
    if (!fuzz::activate_queue(queue, configured_size, desc, avail, used, flags))
        return 0;
    queue.set_indices(next_avail, next_used);

    // Writes may land in the rings themselves, so the loop has its own bound.
    std::array<u8, 64> scratch{};
    const u32 limit = 4 * queue.size() + 4;
    for (u32 i = 0; i < limit; ++i) {
        auto popped = queue.pop();
        if (!popped || !*popped)
            break;
        const virtio::DescriptorChain& chain = **popped;
        if (chain.head() >= queue.size())
            std::abort();
        u64 readable = 0, writable = 0;
        for (const virtio::Segment& s : chain.readable()) {
            if (!memory.is_valid_range(s.addr, s.len))
                std::abort();
            readable += s.len;
        }
        for (const virtio::Segment& s : chain.writable()) {
            if (!memory.is_valid_range(s.addr, s.len))
                std::abort();
            writable += s.len;
        }
        if (readable != chain.readable_len() || writable != chain.writable_len())
            std::abort();
        auto got = chain.read_at(memory, 0, scratch);
        if (!got)
            std::abort(); // segments were validated: reads cannot fail
        auto put = chain.write_at(memory, (flags >> 2) & 7, scratch);
        if (!put)
            std::abort();
        if (!queue.push_used(chain.head(), static_cast<u32>(*put)))
            std::abort();
        (void)queue.needs_notification();
    }
    return 0;
}
