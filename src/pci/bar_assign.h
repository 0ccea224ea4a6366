#pragma once

#include "base/error.h"
#include "base/types.h"
#include "pci/pci_bus.h"

namespace kite::pci {

// Places the memory BARs of every device on `bus` (not the host bridge) in the
// window [base, base + size), as firmware does before an OS that keeps the
// assignment: largest first, each naturally aligned, 64-bit BARs with a zero
// upper half. Each device with a memory BAR then has Memory Space decoding
// enabled. Fails, changing nothing, when the BARs do not fit.
Result<void> assign_memory_bars(PciBus& bus, u64 base, u64 size);

} // namespace kite::pci
