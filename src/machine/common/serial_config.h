#pragma once

#include "base/error.h"
#include "chardev/char_backend.h"

#include <memory>
#include <string>

namespace kite::machine {

enum class SerialMode { Stdio, File, None };

struct SerialConfig {
    SerialMode mode{SerialMode::Stdio};
    std::string path; // SerialMode::File
};

// Opens the host end of the console serial port.
Result<std::unique_ptr<CharBackend>> open_serial(const SerialConfig& serial);

} // namespace kite::machine
