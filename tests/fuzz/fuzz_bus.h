#pragma once

// Drives a board's bus the way a hostile guest driver would: the input is a
// sequence of register accesses, each picking one of a few address windows,
// an offset in it, a width and (for writes) a value, interleaved with host-side
// events the target defines (input arriving, time passing, an interrupt line).

#include "base/types.h"
#include "bus/bus.h"
#include "fuzz_input.h"

#include <array>
#include <cstring>
#include <functional>
#include <span>

namespace kite::fuzz {

// An address range of the bus that accesses are aimed at.
struct Window {
    u64 base;
    u64 size;
};

// A host-side event: `selector` (a byte of input) picks what happens, `in`
// holds the rest of the input, of which the event may take more.
using HostEvent = std::function<void(u8 selector, std::span<const u8>& in)>;

// Performs accesses until the input or `max_steps` runs out. Each step takes
// one control byte: bits 0-1 the kind (0 read, 1 write, 2 host event, 3
// a write aligned to its width), bits 2-3 the width (1, 2, 4 or 8 bytes), bits
// 4-7 the window (modulo the count); then a 4-byte offset (modulo the
// window's size) and, for writes, the value. Returns the number of steps.
inline u32 drive_bus(Bus& bus, std::span<const Window> windows, std::span<const u8>& in, u32 max_steps,
                     const HostEvent& host_event = {}) {
    u32 steps = 0;
    for (; steps < max_steps && !in.empty(); ++steps) {
        const u8 control = take<u8>(in);
        const u8 kind = control & 3;
        if (kind == 2) {
            if (host_event)
                host_event(take<u8>(in), in);
            continue;
        }
        const std::size_t width = std::size_t{1} << ((control >> 2) & 3);
        const Window& window = windows[(control >> 4) % windows.size()];
        u64 offset = take<u32>(in) % window.size;
        if (kind == 3)
            offset &= ~u64{width - 1};
        if (offset + width > window.size)
            offset = window.size - width;
        std::array<u8, 8> bytes{};
        if (kind == 0) {
            bus.read(window.base + offset, std::span<u8>(bytes.data(), width));
        } else {
            const u64 value = take<u64>(in);
            std::memcpy(bytes.data(), &value, width);
            bus.write(window.base + offset, std::span<const u8>(bytes.data(), width));
        }
    }
    return steps;
}

// Splits an input into the accesses and what guest RAM holds: a 2-byte length
// of the access part first, the rest loaded into `memory`'s one region
// [base, base + size). Returns the accesses.
inline std::span<const u8> load_ram_take_accesses(const GuestMemory& memory, GuestAddress base, u64 size,
                                                  std::span<const u8> in) {
    const std::size_t length = std::min<std::size_t>(take<u16>(in), in.size());
    load_guest_ram(memory, base, size, in.subspan(length));
    return in.first(length);
}

} // namespace kite::fuzz
