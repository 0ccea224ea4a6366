#pragma once

#include "base/error.h"

#include <csignal>

namespace kite::machine {

// The signals that stop Kite cleanly (status 128+N): SIGINT, SIGTERM, SIGHUP.
sigset_t termination_signals();

// Makes the process safe to run a board in; main() calls it first, before any
// thread starts, so every board handles signals one way:
// - fds 0-2 that are closed are opened on /dev/null, so no later fd (/dev/kvm,
//   an eventfd) becomes the serial port's input or output;
// - the termination signals are blocked, so every thread inherits the mask and
//   they reach only the main loop's signalfd (termination_signalfd());
// - SIGPIPE is ignored (a closed pipe is a write error the backend reports);
// - SIGQUIT and the fatal signals restore the terminal, then take their default
//   course (core dump, status).
Result<void> prepare_process();

} // namespace kite::machine
