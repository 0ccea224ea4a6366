#pragma once

#include "base/error.h"

namespace kite::accel {

// Where a RISC-V hart starts: the boot protocol's pc and argument registers
// (OpenSBI fw_dynamic: a0 hartid, a1 DTB, a2 fw_dynamic_info).
struct RiscvEntryState {
    u64 pc{0};
    u64 a0{0};
    u64 a1{0};
    u64 a2{0};
};

// The interrupt inputs of a hart that a board's CLINT and PLIC drive.
enum class RiscvInterrupt { MachineSoftware, MachineTimer, MachineExternal, SupervisorExternal };

// What a RISC-V vCPU offers beyond accel::Vcpu (reached by Vcpu::as_riscv()).
class RiscvVcpu {
public:
    // Resets the hart (M-mode) and loads the entry state.
    virtual Result<void> set_entry_state(const RiscvEntryState& state) = 0;
    // Sets an interrupt input and wakes the hart if it waits in WFI; any thread.
    virtual void set_interrupt(RiscvInterrupt line, bool level) = 0;

protected:
    ~RiscvVcpu() = default;
};

} // namespace kite::accel
