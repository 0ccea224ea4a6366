#pragma once

#include "base/error.h"
#include "machine/riscv_virt/virt_board.h"
#include "machine/x86_pc/pc_config.h"

#include <optional>
#include <string>
#include <vector>

namespace kite::cli {

// `kite run` options as typed, before they are checked against what is supported.
struct RunOptions {
    std::string arch{"auto"};
    std::string accel{"auto"};
    u32 cpus{1};
    std::string memory{"256M"};
    std::optional<std::string> kernel;
    std::optional<std::string> initrd;
    std::string cmdline;
    std::optional<std::string> firmware;
    std::vector<std::string> disks;
    std::vector<std::string> nets;
    std::string serial{"stdio"};
    std::string parallel{"none"};
    std::optional<std::string> console;
    std::optional<std::string> dump_dtb;
    std::optional<std::string> kvm_device;
    std::optional<std::string> dump_acpi;
};

// The guest images used when --firmware/--kernel/--initrd are not given.
struct DefaultGuest {
    std::string x86_kernel;     // the demo guest built next to kite (may be empty)
    std::string riscv_firmware; // Debian's OpenSBI fw_dynamic (may be empty)
    std::string riscv_kernel;   // from guest/riscv64/build-all.sh's cache (may be empty)
    std::string riscv_initrd;
};

// The architecture to run: --arch as given, else the one --kernel is built
// for, else riscv64 (the default guest is RISC-V Linux).
Result<std::string> resolve_arch(const RunOptions& options);

// Parses `--serial stdio|file=PATH|none`.
Result<machine::SerialConfig> parse_serial(const std::string& text);
// Parses `--parallel file=PATH|none` (a printer's output is no terminal).
Result<machine::SerialConfig> parse_parallel(const std::string& text);

// Checks the options and turns them into the x86 board's configuration.
Result<machine::PcConfig> to_pc_config(const RunOptions& options, const DefaultGuest& defaults);

// Checks the options and turns them into the RISC-V virt board's configuration.
Result<machine::VirtConfig> to_virt_config(const RunOptions& options, const DefaultGuest& defaults);

} // namespace kite::cli
