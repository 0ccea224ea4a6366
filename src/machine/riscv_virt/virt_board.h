#pragma once

#include "machine/common/machine_failure.h"
#include "machine/common/serial_config.h"
#include "machine/common/virtio_config.h"

#include <optional>
#include <string>
#include <vector>

namespace kite::machine {

// What the RISC-V `virt` board is built from (the CLI fills it in).
struct VirtConfig {
    u32 cpus{1};
    u64 memory{256 * MiB};
    // Firmware image loaded at the start of RAM (OpenSBI fw_dynamic); empty for
    // bare-metal mode, where the kernel is an ELF entered in M-mode.
    std::optional<std::string> firmware_path;
    std::optional<std::string> kernel_path;
    std::optional<std::string> initrd_path;
    std::string cmdline;
    SerialConfig serial;
    std::vector<DiskConfig> disks;
    std::vector<NetConfig> nets;
    ConsoleConfig console; // host.mode None: no virtio-console
    std::optional<std::string> dump_dtb_path; // write the device tree here too
};

// Builds the board on the software CPU, boots and runs until the guest or
// the user stops it. Returns the process exit status.
MachineResult<int> run_riscv_virt(const VirtConfig& config);

} // namespace kite::machine
