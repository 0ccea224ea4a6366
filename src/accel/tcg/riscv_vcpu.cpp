#include "accel/tcg/riscv_vcpu.h"

namespace kite::tcg {

RiscvVcpu::RiscvVcpu(u32 index, const GuestMemory& ram, Bus& mmio, riscv::HartConfig config, Hooks hooks)
    : m_index(index), m_hart(ram, mmio, std::move(config)), m_hooks(std::move(hooks)) {}

Result<accel::VcpuExit> RiscvVcpu::run() {
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

void RiscvVcpu::wait_for_interrupt() {
    std::chrono::nanoseconds timeout = kMaxWfiSleep;
    if (m_hooks.wfi_timeout) {
        if (auto deadline = m_hooks.wfi_timeout())
            timeout = std::clamp<std::chrono::nanoseconds>(*deadline, std::chrono::nanoseconds(0), timeout);
    }
    std::unique_lock lock(m_mutex);
    m_wakeup.wait_for(lock, timeout, [&] { return m_kicked || m_hart.has_pending_interrupt(); });
    m_kicked = false;
}

void RiscvVcpu::set_interrupt(riscv::InterruptLine line, bool level) {
    m_hart.set_interrupt(line, level);
    if (level) {
        std::lock_guard lock(m_mutex);
        m_wakeup.notify_all();
    }
}

void RiscvVcpu::request_exit() {
    m_hart.request_stop();
    std::lock_guard lock(m_mutex);
    m_kicked = true;
    m_wakeup.notify_all();
}

} // namespace kite::tcg
