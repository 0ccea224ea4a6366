#include "base/log.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <unistd.h>

namespace kite::log {
namespace {

Level initial_level() {
    Level l = Level::Warn;
    if (const char* env = std::getenv("KITE_LOG"))
        parse_level(env, l);
    return l;
}

std::atomic<Level>& current() {
    static std::atomic<Level> s_level{initial_level()};
    return s_level;
}

std::string_view level_name(Level l) {
    switch (l) {
    case Level::Error:
        return "error";
    case Level::Warn:
        return "warning";
    case Level::Info:
        return "info";
    case Level::Debug:
        return "debug";
    case Level::Trace:
        return "trace";
    }
    return "?";
}

} // namespace

Level level() {
    return current().load(std::memory_order_relaxed);
}
void set_level(Level l) {
    current().store(l, std::memory_order_relaxed);
}

bool parse_level(std::string_view text, Level& out) {
    for (Level l : {Level::Error, Level::Warn, Level::Info, Level::Debug, Level::Trace}) {
        if (text == level_name(l) || (l == Level::Warn && text == "warn")) {
            out = l;
            return true;
        }
    }
    return false;
}

void write(Level l, std::string_view message) {
    // One write(2) per line so lines from vCPU threads do not interleave. The raw
    // terminal mode of the serial console keeps output processing, so "\n" is enough.
    std::string line = fmt::format("kite: {}: {}\n", level_name(l), message);
    [[maybe_unused]] auto n = ::write(STDERR_FILENO, line.data(), line.size());
}

} // namespace kite::log
