#pragma once

#include "base/error.h"

#include <optional>
#include <string>
#include <vector>

namespace kite::machine {

// What the device tree describes; the board fills it from its configuration.
struct VirtFdtParams {
    u64 ram_size{0};
    u32 cpus{1};
    std::string bootargs;
    std::optional<std::pair<u64, u64>> initrd; // [start, end)
};

// Generates the `virt` board's flattened device tree: memory, CPUs with their
// ISA and interrupt controllers, CLINT, PLIC, UART, RTC, poweroff and reboot.
Result<std::vector<u8>> build_virt_fdt(const VirtFdtParams& params);

} // namespace kite::machine
