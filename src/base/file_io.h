#pragma once

#include "base/error.h"

#include <span>
#include <string>
#include <string_view>

namespace kite {

// Creates or truncates `path` and writes all of `bytes`; the error names the
// path as `what` describes it.
Result<void> write_file(const std::string& path, std::span<const u8> bytes, std::string_view what);

} // namespace kite
