#pragma once

#include "chardev/char_backend.h"
#include "memory/guest_memory.h"

#include <optional>

namespace kite::machine {

// The Berkeley host-target interface used by bare-metal test programs: the
// program writes a command to its `tohost` word and the host answers through
// `fromhost`. Kite polls `tohost` between instruction slices.
//   device 0, odd payload v: exit; code 0 (pass) for v == 1, else v >> 1
//   device 1, command 1:     console output of the low byte
class Htif {
public:
    Htif(const GuestMemory& memory, u64 tohost, std::optional<u64> fromhost, CharBackend& console)
        : m_memory(memory), m_tohost(tohost), m_fromhost(fromhost), m_console(console) {}

    // Handles a pending command; returns the program's exit code (0 = pass,
    // else the failure code, up to 2^47 - 1) when it asked to exit.
    std::optional<u64> poll();

private:
    const GuestMemory& m_memory;
    u64 m_tohost;
    std::optional<u64> m_fromhost;
    CharBackend& m_console;
    bool m_warned_unsupported{false};
};

} // namespace kite::machine
