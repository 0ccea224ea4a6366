#pragma once

#include <string>

namespace kite {

// Names the calling thread (visible in `top -H`, /proc/PID/task/TID/comm); at most 15 chars.
void set_current_thread_name(const std::string& name);

} // namespace kite
