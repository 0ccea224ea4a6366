#pragma once

#include "base/error.h"
#include "machine/x86_pc/pc_config.h"

#include <optional>
#include <string>
#include <vector>

namespace kite::cli {

// `kite run` options as typed, before they are checked against what is supported.
struct RunOptions {
    std::string arch{"x86_64"};
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
};

// Parses `--serial stdio|file=PATH|none`.
Result<machine::SerialConfig> parse_serial(const std::string& text);

// Checks the options and turns them into the x86 board's configuration;
// `default_kernel` is used when --kernel is absent (empty: none).
Result<machine::PcConfig> to_pc_config(const RunOptions& options, const std::string& default_kernel);

} // namespace kite::cli
