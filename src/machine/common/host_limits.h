#pragma once

#include "base/types.h"
#include "machine/common/machine_failure.h"

namespace kite::machine {

// Physical RAM of the host in bytes (sysinfo), 0 if unknown.
u64 host_memory_bytes();

// Checks --cpus and --memory against the board's limits and the host's RAM.
MachineResult<void> check_resources(u32 cpus, u32 max_cpus, u64 memory, u64 min_memory);

} // namespace kite::machine
