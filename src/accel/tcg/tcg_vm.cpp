#include "accel/tcg/tcg_vm.h"

namespace kite::tcg {

Result<void> TcgVm::map_memory(const GuestMemory& memory) {
    m_memory = &memory;
    return {};
}

Result<std::shared_ptr<IrqLine>> TcgVm::irq_line(u32 gsi) {
    return error("tcg: no interrupt line for GSI {}: the board's interrupt controller drives the harts", gsi);
}

Result<std::unique_ptr<accel::Vcpu>> TcgVm::create_vcpu(u32 index) {
    if (index >= m_config.vcpu_count)
        return error("tcg: vCPU index {} beyond the configured {}", index, m_config.vcpu_count);
    if (!m_memory || !m_board.mmio)
        return error("tcg: vCPU {} created before guest memory and the MMIO bus", index);
    riscv::HartConfig hart{.hart_id = index, .read_time = m_board.read_time};
    return std::make_unique<HartVcpu>(index, *m_memory, *m_board.mmio, std::move(hart), m_board.hooks);
}

Result<std::unique_ptr<accel::Vm>> TcgAccelerator::create_vm(const accel::VmConfig& config) {
    if (config.vcpu_count == 0)
        return error("tcg: a machine needs at least one vCPU");
    return std::make_unique<TcgVm>(m_board, config);
}

} // namespace kite::tcg
