#include "base/assert.h"

#include <cstdio>
#include <cstdlib>

namespace kite {

void assertion_failed(std::string_view condition, std::string_view message, std::source_location where) {
    std::fprintf(stderr, "kite: internal error at %s:%u: assertion '%.*s' failed: %.*s\n", where.file_name(),
                 where.line(), static_cast<int>(condition.size()), condition.data(),
                 static_cast<int>(message.size()), message.data());
    std::abort();
}

} // namespace kite
