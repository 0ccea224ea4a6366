#pragma once

#include "base/unique_fd.h"
#include "chardev/char_backend.h"
#include "vcpu/run_state.h"

#include <functional>
#include <span>

namespace kite::machine {

// Blocks SIGINT/SIGTERM/SIGHUP in this thread (and so in every thread started
// after it) and returns a signalfd that receives them in the main loop instead.
Result<UniqueFd> termination_signalfd();

// Runs the host side until the RunState says stop: console input goes to
// `to_guest`, Ctrl-A x and termination signals request a stop.
Result<void> run_host_loop(RunState& state, CharBackend& console, int signal_fd,
                           const std::function<void(std::span<const u8>)>& to_guest);

} // namespace kite::machine
