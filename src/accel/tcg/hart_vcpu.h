#pragma once

#include "accel/accelerator.h"
#include "accel/riscv_vcpu.h"
#include "cpu/riscv/hart.h"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>

namespace kite::tcg {

// Runs a software RISC-V hart as an accel::Vcpu, so the same VcpuThread loop
// drives it as drives KVM vCPUs. Guest MMIO is handled inside the hart (it
// dispatches to the board's bus directly), so run() returns no I/O exits: it
// executes a slice of instructions, lets the board poll its time-driven
// devices, and sleeps in WFI until an interrupt arrives.
class HartVcpu final : public accel::Vcpu, public accel::RiscvVcpu {
public:
    struct Hooks {
        // Called after every slice and every WFI wake-up (timers, HTIF polling).
        std::function<void()> after_slice;
        // Host time until the next timer deadline, to bound a WFI sleep;
        // nullopt when no deadline is armed.
        std::function<std::optional<std::chrono::nanoseconds>()> wfi_timeout;
    };

    HartVcpu(u32 index, const GuestMemory& ram, Bus& mmio, riscv::HartConfig config, Hooks hooks);

    u32 index() const override { return m_index; }
    Result<accel::VcpuExit> run() override;
    void request_exit() override;
    std::string describe_state() override { return m_hart.describe_state(); }
    accel::RiscvVcpu* as_riscv() override { return this; }

    Result<void> set_entry_state(const accel::RiscvEntryState& state) override;
    // Thread-safe; devices call it from any thread.
    void set_interrupt(accel::RiscvInterrupt line, bool level) override;

    riscv::Hart& hart() { return m_hart; }

    // Instructions per slice: long enough to amortise the hooks, short enough
    // that timer interrupts and stop requests are seen within about a millisecond.
    static constexpr u64 kSliceInstructions = 100'000;
    // The longest WFI sleep, so devices polled in after_slice (HTIF, timers
    // without a deadline) still make progress.
    static constexpr std::chrono::milliseconds kMaxWfiSleep{10};

private:
    void wait_for_interrupt();

    u32 m_index;
    riscv::Hart m_hart;
    Hooks m_hooks;
    std::mutex m_mutex;
    std::condition_variable m_wakeup;
    bool m_kicked{false};
};

} // namespace kite::tcg
