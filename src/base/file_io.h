#pragma once

#include "base/error.h"
#include "base/unique_fd.h"

#include <span>
#include <string>
#include <string_view>
#include <sys/stat.h>

namespace kite {

// An open file and what fstat() said of it when it was opened.
struct OpenedFile {
    UniqueFd fd;
    struct stat status {};

    bool is_regular() const { return S_ISREG(status.st_mode); }
};

// Opens `path` with `flags` (O_CLOEXEC added; `mode` when O_CREAT creates it)
// without ever blocking in open(): a FIFO opened for reading returns at once,
// one opened for writing with no reader is an error that says so. O_NONBLOCK is
// cleared again once the file is open. Callers check the file type they need.
// Errors read "`what` 'path': why".
Result<OpenedFile> open_without_blocking(const std::string& path, int flags, std::string_view what,
                                         mode_t mode = 0644);

// Reads from `fd` until `buffer` is full or the file ends (EINTR retried);
// returns how many bytes were read.
Result<std::size_t> read_fully(int fd, std::span<u8> buffer);

// Creates or truncates `path` and writes all of `bytes`; the error names the
// path as `what` describes it.
Result<void> write_file(const std::string& path, std::span<const u8> bytes, std::string_view what);

} // namespace kite
