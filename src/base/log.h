#pragma once

#include "base/types.h"

#include <bit>
#include <fmt/format.h>
#include <string_view>
#include <utility>

namespace kite::log {

enum class Level { Error, Warn, Info, Debug, Trace };

// The level comes from KITE_LOG (error|warn|info|debug|trace, default warn) or set_level.
Level level();
void set_level(Level);
bool parse_level(std::string_view text, Level& out);
void write(Level, std::string_view message);

// Whether the `occurrence`-th (1-based) repeat of a guest- or host-triggered
// event is worth a log line: the first eight and then every power of two, so
// something that repeats a million times leaves a few dozen lines.
inline bool worth_logging(u64 occurrence) {
    return occurrence <= 8 || std::has_single_bit(occurrence);
}

inline bool enabled(Level l) {
    return static_cast<int>(l) <= static_cast<int>(level());
}

template <typename... Args>
void emit(Level l, fmt::format_string<Args...> f, Args&&... args) {
    if (enabled(l))
        write(l, fmt::format(f, std::forward<Args>(args)...));
}

template <typename... Args>
void error(fmt::format_string<Args...> f, Args&&... args) {
    emit(Level::Error, f, std::forward<Args>(args)...);
}
template <typename... Args>
void warn(fmt::format_string<Args...> f, Args&&... args) {
    emit(Level::Warn, f, std::forward<Args>(args)...);
}
template <typename... Args>
void info(fmt::format_string<Args...> f, Args&&... args) {
    emit(Level::Info, f, std::forward<Args>(args)...);
}
template <typename... Args>
void debug(fmt::format_string<Args...> f, Args&&... args) {
    emit(Level::Debug, f, std::forward<Args>(args)...);
}
template <typename... Args>
void trace(fmt::format_string<Args...> f, Args&&... args) {
    emit(Level::Trace, f, std::forward<Args>(args)...);
}

} // namespace kite::log
