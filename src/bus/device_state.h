#pragma once

#include "base/error.h"
#include "base/state_stream.h"

namespace kite {

// A device whose guest-visible state can be saved and restored (snapshots,
// live migration). restore_state() takes what save_state() wrote, checks it
// like any untrusted input, and leaves the device as it was then.
class DeviceState {
public:
    virtual ~DeviceState() = default;
    virtual void save_state(StateWriter& out) const = 0;
    virtual Result<void> restore_state(StateReader& in) = 0;
};

} // namespace kite
