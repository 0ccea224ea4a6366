#pragma once

#include "base/error.h"
#include "base/types.h"

#include <string_view>

namespace kite {

// Parses a memory size as QEMU users write it: "512", "512M", "2G", "64K", "1T"
// (binary units; a bare number means MiB).
Result<u64> parse_size(std::string_view text);

} // namespace kite
