#pragma once

#include "base/error.h"
#include "base/types.h"

#include <memory>
#include <span>
#include <string>
#include <vector>

namespace kite {

// What read_input() found.
enum class InputEvent {
    Data, // `out` holds bytes for the guest
    Quit, // the user typed the quit escape (Ctrl-A x)
    Eof,  // input is finished: stop watching input_fd() (the VM keeps running)
    None, // nothing for the guest right now (no data, or only an escape such as help)
};

// The host side of a serial port: where guest output goes and where guest
// input comes from.
class CharBackend {
public:
    virtual ~CharBackend() = default;

    // Guest output. Thread-safe; retries interrupted and partial writes and gives
    // up (dropping output) on errors rather than blocking forever.
    virtual void write(std::span<const u8> data) = 0;

    // An fd to poll for input readiness, or -1 when the backend has no input.
    virtual int input_fd() const { return -1; }

    // Reads what is available from input_fd() without blocking, replacing the
    // contents of `out`, and applies escape processing when the backend does it.
    virtual InputEvent read_input(std::vector<u8>& out) {
        out.clear();
        return InputEvent::None;
    }
};

// Guest output to stdout, input from stdin. When stdin is a terminal it is put
// in raw mode (restored by the destructor and, on any exit path, by
// restore_terminal()) and Ctrl-A escapes apply; otherwise stdin is read as-is.
Result<std::unique_ptr<CharBackend>> open_stdio_backend();

// Guest output to a file, created or truncated; no input.
Result<std::unique_ptr<CharBackend>> open_file_backend(const std::string& path);

// Discards output; no input.
Result<std::unique_ptr<CharBackend>> open_null_backend();

// Restores the terminal settings saved when raw mode was entered. Async-signal-safe
// (one tcsetattr on saved static state) and idempotent: safe to call from signal
// handlers, atexit and destructors alike. Registered with std::atexit automatically.
void restore_terminal();

// The escape help text, "\r\n"-terminated lines (raw terminals do not map "\n").
std::string_view escape_help_text();

} // namespace kite
