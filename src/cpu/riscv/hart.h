#pragma once

#include "bus/bus.h"
#include "cpu/riscv/hart_state.h"
#include "memory/guest_memory.h"

#include <functional>
#include <memory>
#include <string>

namespace kite::riscv {

class Core;

// The ISA this hart implements, for a device tree's riscv,isa property.
inline constexpr const char* kIsaString = "rv64imafdc_zicsr_zifencei_zicntr_zba_zbb_zbs";

enum class InterruptLine { MachineSoftware, MachineTimer, MachineExternal, SupervisorExternal };

struct HartConfig {
    u32 hart_id{0};
    std::function<u64()> read_time; // value of the `time` CSR (CLINT mtime); may be empty => 0
};

// One RV64IMAFDC hart (M, S and U modes, Sv39/Sv48) executed by an
// interpreter. Physical RAM is reached through `ram` (host pointers), every
// other physical address through `mmio`. Not thread-safe except where noted:
// one thread runs it; others may only raise interrupt lines or ask it to stop.
class Hart {
public:
    Hart(const GuestMemory& ram, Bus& mmio, HartConfig config);
    ~Hart();
    Hart(const Hart&) = delete;
    Hart& operator=(const Hart&) = delete;

    // M-mode, x0..x31 = 0, f0..f31 = 0, CSRs at their reset values, pc.
    void reset(u64 pc);

    HartState& state();
    const HartState& state() const;

    enum class StopReason { BudgetExhausted, WaitingForInterrupt, StopRequested };

    // Executes until `max_instructions` have been attempted, a WFI finds no
    // interrupt pending (the WFI has retired; call run() again once
    // has_pending_interrupt()), or request_stop() was called.
    StopReason run(u64 max_instructions);

    // Thread-safe: drives the mip bit of a device-owned interrupt line.
    void set_interrupt(InterruptLine line, bool level);

    // (mip & mie) != 0: the WFI wake-up condition (global enables ignored).
    // Call it from the thread that runs the hart, or while it is not running.
    bool has_pending_interrupt() const;

    // Thread-safe: makes run() return StopRequested promptly (or the next
    // call, if none is running).
    void request_stop();

    u64 instret() const;

    // pc, privilege, registers and the main CSRs, for fatal error reports.
    std::string describe_state() const;

private:
    std::unique_ptr<Core> m_core;
};

} // namespace kite::riscv
