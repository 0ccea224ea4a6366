#pragma once

#include "accel/vcpu_exit.h"
#include "bus/bus.h"
#include "vcpu/run_state.h"

#include <optional>
#include <string>

namespace kite {

struct IoBuses {
    Bus& pio;
    Bus& mmio;
};

// What the vCPU loop does after an exit.
struct ExitOutcome {
    enum class Action { Continue, Stop };
    Action action{Action::Continue};
    int status{0};
    std::string reason;
    bool dump_state{false}; // print the vCPU's registers (fatal exits)
};

// Handles one exit: port and MMIO accesses go to the buses; the rest decide
// whether the VM stops and with what status. A pure function of its inputs, so
// tests feed it made-up exits without an accelerator.
ExitOutcome handle_exit(accel::VcpuExit& exit, IoBuses& buses);

} // namespace kite
