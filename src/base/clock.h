#pragma once

#include "base/types.h"

namespace kite {

// CLOCK_MONOTONIC in nanoseconds: the host time that timer devices (CLINT,
// local APIC, PIT, CMOS RTC) and libslirp's timers are computed from.
u64 monotonic_ns();
// CLOCK_REALTIME in nanoseconds since the Unix epoch (UTC): where wall-clock
// devices (goldfish RTC, CMOS RTC) start.
u64 realtime_ns();

} // namespace kite
