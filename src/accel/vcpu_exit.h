#pragma once

#include "base/types.h"

#include <span>
#include <string>
#include <variant>

namespace kite::accel {

enum class IoDirection { In, Out };

// A port I/O access. `data` holds count * size bytes (count > 1 for rep ins/outs);
// for In the handler fills it, for Out it holds what the guest wrote.
struct PioExit {
    u16 port;
    u8 size;
    u32 count;
    IoDirection direction;
    std::span<u8> data;
};

// An MMIO access to an address that is not RAM. For reads the handler fills `data`.
struct MmioExit {
    u64 address;
    bool is_write;
    std::span<u8> data;
};

struct HaltExit {};

// The guest triple-faulted or otherwise shut the CPU down.
struct ShutdownExit {};

enum class SystemEventKind { Shutdown, Reset, Crash, Other };
struct SystemEventExit {
    SystemEventKind kind;
    u32 raw_type;
};

// The CPU could not enter the guest (invalid state).
struct FailEntryExit {
    u64 reason;
    u32 cpu;
};

// The accelerator failed inside (e.g. KVM's instruction emulation).
struct InternalErrorExit {
    u32 suberror;
    std::string detail;
};

// run() returned because request_exit() was called or a signal arrived.
struct InterruptedExit {};

// An exit reason the accelerator does not model.
struct UnknownExit {
    u32 reason;
};

using VcpuExit = std::variant<PioExit, MmioExit, HaltExit, ShutdownExit, SystemEventExit, FailEntryExit,
                              InternalErrorExit, InterruptedExit, UnknownExit>;

} // namespace kite::accel
