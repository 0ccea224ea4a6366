#pragma once

#include "base/types.h"

#include <span>

namespace kite {

// A device as seen from a bus: accesses arrive as an offset from the start of the
// range it was registered at, with the access width given by the span's size.
// Called from vCPU threads (possibly several at once): a device that keeps state
// protects it itself.
class BusDevice {
public:
    virtual ~BusDevice() = default;
    virtual void read(u64 offset, std::span<u8> data) = 0;
    virtual void write(u64 offset, std::span<const u8> data) = 0;
};

} // namespace kite
