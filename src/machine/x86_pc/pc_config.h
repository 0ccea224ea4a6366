#pragma once

#include "base/error.h"
#include "base/types.h"
#include "vcpu/run_state.h"

#include <optional>
#include <string>

namespace kite::machine {

enum class SerialMode { Stdio, File, None };

struct SerialConfig {
    SerialMode mode{SerialMode::Stdio};
    std::string path; // SerialMode::File
};

// What the x86 `pc` board is built from (the CLI fills it in).
struct PcConfig {
    u32 cpus{1};
    u64 memory{256 * MiB};
    std::string kernel_path;
    std::string cmdline;
    std::optional<std::string> initrd_path;
    SerialConfig serial;
};

// A failure before or while running, with the process status it maps to.
struct MachineFailure {
    ExitStatus status;
    Error error;
};

template <typename T>
using MachineResult = std::expected<T, MachineFailure>;

} // namespace kite::machine
