#pragma once

#include <source_location>
#include <string_view>

namespace kite {

[[noreturn]] void assertion_failed(std::string_view condition, std::string_view message,
                                   std::source_location where = std::source_location::current());

} // namespace kite

// Always-on invariant check for programming errors (never for guest or user input).
#define KITE_ASSERT(cond, msg)                                                                               \
    do {                                                                                                     \
        if (!(cond)) [[unlikely]]                                                                            \
            ::kite::assertion_failed(#cond, msg);                                                            \
    } while (0)
