#pragma once

#include "base/types.h"

namespace kite {

// CLOCK_MONOTONIC in nanoseconds: the host time that timer devices (CLINT,
// local APIC) and libslirp's timers are computed from.
u64 monotonic_ns();

} // namespace kite
