#include "accel/tcg/hart_vcpu.h"

#include <utility>

namespace kite::tcg {

HartVcpu::HartVcpu(u32 index, const GuestMemory& ram, Bus& mmio, riscv::HartConfig config, Hooks hooks)
    : m_index(index), m_hart(ram, mmio, std::move(config)), m_hooks(std::move(hooks)) {}

Result<accel::VcpuExit> HartVcpu::run() {
    auto reason = m_hart.run(kSliceInstructions);
    switch (reason) {
    case riscv::Hart::StopReason::BudgetExhausted:
        break;
    case riscv::Hart::StopReason::WaitingForInterrupt:
        wait_for_interrupt();
        break;
    case riscv::Hart::StopReason::StopRequested:
        return accel::InterruptedExit{};
    }
    // The vCPU loop checks for a stop request after every run().
    if (m_hooks.after_slice)
        m_hooks.after_slice();
    return accel::InterruptedExit{};
}

void HartVcpu::wait_for_interrupt() {
    std::chrono::nanoseconds timeout = kMaxWfiSleep;
    if (m_hooks.wfi_timeout) {
        if (auto deadline = m_hooks.wfi_timeout())
            timeout = std::clamp<std::chrono::nanoseconds>(*deadline, std::chrono::nanoseconds(0), timeout);
    }
    std::unique_lock lock(m_mutex);
    m_wakeup.wait_for(lock, timeout, [&] { return m_kicked || m_hart.has_pending_interrupt(); });
    m_kicked = false;
}

Result<void> HartVcpu::set_entry_state(const accel::RiscvEntryState& state) {
    m_hart.reset(state.pc);
    m_hart.state().x[10] = state.a0;
    m_hart.state().x[11] = state.a1;
    m_hart.state().x[12] = state.a2;
    return {};
}

namespace {

riscv::InterruptLine hart_line(accel::RiscvInterrupt line) {
    switch (line) {
    case accel::RiscvInterrupt::MachineSoftware:
        return riscv::InterruptLine::MachineSoftware;
    case accel::RiscvInterrupt::MachineTimer:
        return riscv::InterruptLine::MachineTimer;
    case accel::RiscvInterrupt::MachineExternal:
        return riscv::InterruptLine::MachineExternal;
    case accel::RiscvInterrupt::SupervisorExternal:
        return riscv::InterruptLine::SupervisorExternal;
    }
    std::unreachable();
}

} // namespace

void HartVcpu::set_interrupt(accel::RiscvInterrupt line, bool level) {
    m_hart.set_interrupt(hart_line(line), level);
    if (level) {
        std::lock_guard lock(m_mutex);
        m_wakeup.notify_all();
    }
}

void HartVcpu::request_exit() {
    m_hart.request_stop();
    std::lock_guard lock(m_mutex);
    m_kicked = true;
    m_wakeup.notify_all();
}

} // namespace kite::tcg
