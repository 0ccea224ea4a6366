#pragma once

#include "base/unique_fd.h"
#include "bus/bus.h"
#include "chardev/char_backend.h"
#include "event/event_loop.h"
#include "machine/common/machine_failure.h"
#include "vcpu/run_state.h"
#include "vcpu/vcpu_thread.h"

#include <functional>
#include <memory>
#include <span>
#include <vector>

namespace kite::machine {

// A signalfd that receives the termination signals (SIGINT/SIGTERM/SIGHUP) in
// the main loop. They must be blocked in every thread, which prepare_process()
// does before any thread starts; this blocks them in the calling thread too.
Result<UniqueFd> termination_signalfd();

// Runs the host side until the RunState says stop: console input goes to
// `to_guest`, Ctrl-A x and termination signals request a stop. Console input
// is read on `input_loop` (the board's I/O thread) when given, else here.
Result<void> run_host_loop(RunState& state, CharBackend& console, int signal_fd,
                           const std::function<void(std::span<const u8>)>& to_guest,
                           EventLoop* input_loop = nullptr);

// Starts the vCPU threads, runs the host loop until a stop request, stops and
// joins every thread, and returns the status the stop asked for (a guest
// failure as a MachineFailure). `buses` are reported when accesses went unhandled.
MachineResult<int> run_until_stopped(std::vector<std::unique_ptr<VcpuThread>>& threads, RunState& state,
                                     CharBackend& console,
                                     const std::function<void(std::span<const u8>)>& to_guest,
                                     std::initializer_list<const Bus*> buses, EventLoop* input_loop = nullptr);

} // namespace kite::machine
