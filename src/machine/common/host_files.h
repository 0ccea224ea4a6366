#pragma once

#include "base/error.h"
#include "base/file_io.h"

#include <span>
#include <string>
#include <vector>

namespace kite::machine {

// Reads a whole regular file of at most `max_size` bytes; the error names the
// path and says why (missing, unreadable, a directory, too large).
Result<std::vector<u8>> read_file(const std::string& path, u64 max_size, std::string_view what);

// write_file() is in base (base/file_io.h), shared with libraries below machine.
using kite::write_file;

} // namespace kite::machine
