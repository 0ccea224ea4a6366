#pragma once

#include "base/error.h"

#include <span>
#include <string>
#include <vector>

namespace kite::machine {

// Reads a whole regular file of at most `max_size` bytes; the error names the
// path and says why (missing, unreadable, a directory, too large).
Result<std::vector<u8>> read_file(const std::string& path, u64 max_size, std::string_view what);

// Creates or truncates `path` and writes all of `bytes`; the error names the
// path as `what` describes it.
Result<void> write_file(const std::string& path, std::span<const u8> bytes, std::string_view what);

} // namespace kite::machine
