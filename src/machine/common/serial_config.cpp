#include "machine/common/serial_config.h"

namespace kite::machine {

Result<std::unique_ptr<CharBackend>> open_serial(const SerialConfig& serial) {
    switch (serial.mode) {
    case SerialMode::Stdio:
        return open_stdio_backend();
    case SerialMode::File:
        return open_file_backend(serial.path);
    case SerialMode::None:
        return open_null_backend();
    }
    return error("unknown serial mode");
}

} // namespace kite::machine
