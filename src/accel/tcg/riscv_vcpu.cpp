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
    if (m_hooks.after_slice && !m_hooks.after_slice())
        return accel::InterruptedExit{};
    return accel::InterruptedExit{};
}

void RiscvVcpu::wait_for_interrupt() {
    auto timeout = m_hooks.wfi_timeout ? m_hooks.wfi_timeout() : std::chrono::milliseconds(10);
    // Bound the sleep so devices polled in after_slice (HTIF, timers without a
    // deadline) still make progress.
    timeout = std::clamp<std::chrono::nanoseconds>(timeout, std::chrono::nanoseconds(0),
                                                   std::chrono::milliseconds(10));
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
