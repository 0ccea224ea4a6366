#pragma once

#include "base/types.h"
#include "machine/common/machine_failure.h"
#include "machine/common/serial_config.h"
#include "machine/common/virtio_config.h"

#include <optional>
#include <string>
#include <vector>

namespace kite::machine {

// What the x86 `pc` board is built from (the CLI fills it in).
struct PcConfig {
    u32 cpus{1};
    u64 memory{256 * MiB};
    std::string kernel_path;
    std::string cmdline;
    std::optional<std::string> initrd_path;
    SerialConfig serial;
    std::string kvm_device{"/dev/kvm"};
    std::optional<std::string> dump_acpi_dir;    // write the ACPI tables here (<SIG>.dat) first
    SerialConfig parallel{SerialMode::None, {}}; // None: no LPT1 at all
    // Virtio devices, all on PCI (the CLI refuses transport=mmio here).
    std::vector<DiskConfig> disks;
    std::vector<NetConfig> nets;
    ConsoleConfig console; // host.mode None: no virtio-console
};

} // namespace kite::machine
