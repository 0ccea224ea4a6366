#include "base/clock.h"

#include <ctime>

namespace kite {

namespace {

u64 read_clock(clockid_t id) {
    timespec ts{};
    clock_gettime(id, &ts);
    return static_cast<u64>(ts.tv_sec) * 1'000'000'000ull + static_cast<u64>(ts.tv_nsec);
}

} // namespace

u64 monotonic_ns() {
    return read_clock(CLOCK_MONOTONIC);
}

u64 realtime_ns() {
    return read_clock(CLOCK_REALTIME);
}

} // namespace kite
