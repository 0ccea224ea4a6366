#pragma once

#include "base/types.h"

namespace kite::machine {

// Physical RAM of the host in bytes (sysinfo), 0 if unknown.
u64 host_memory_bytes();

} // namespace kite::machine
