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
    std::vector<u32> virtio_slots;             // occupied virtio-mmio slots
};

// Generates the `virt` board's flattened device tree: memory, CPUs with their
// ISA and interrupt controllers, CLINT, PLIC, UART, RTC, virtio-mmio devices,
// poweroff and reboot.
Result<std::vector<u8>> build_virt_fdt(const VirtFdtParams& params);

} // namespace kite::machine
