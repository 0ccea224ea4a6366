#include "machine/common/machine.h"

#include "base/log.h"
#include "machine/common/host_loop.h"

namespace kite::machine {

Machine::Machine(AcceleratorFactory accelerator) : m_accelerator_factory(std::move(accelerator)) {}

Machine::~Machine() = default;

MachineResult<void> Machine::build() {
    m_state = TRY_AS(ExitStatus::GuestFailure, RunState::create());
    return build_board();
}

MachineResult<void> Machine::boot() {
    return boot_board();
}

MachineResult<int> Machine::run() {
    ConsoleBinding binding = console_binding();
    auto result = run_until_stopped(m_vcpus, *m_state, *binding.console, binding.to_guest, {&m_pio, &m_mmio},
                                    binding.input_loop);
    after_run();
    return result;
}

MachineResult<int> Machine::build_boot_run() {
    TRY(build());
    TRY(boot());
    return run();
}

MachineResult<void> Machine::create_vm(u32 cpus) {
    m_accelerator = TRY(m_accelerator_factory());
    log::debug("accelerator: {}", m_accelerator->name());
    m_vm = TRY_AS(ExitStatus::AcceleratorFailed, m_accelerator->create_vm({.vcpu_count = cpus}));
    TRY_AS(ExitStatus::AcceleratorFailed, m_vm->map_memory(m_memory));
    return {};
}

MachineResult<void> Machine::create_vcpus(u32 cpus) {
    IoBuses buses{m_pio, m_mmio};
    for (u32 i = 0; i < cpus; ++i) {
        auto vcpu = TRY_AS(ExitStatus::AcceleratorFailed, m_vm->create_vcpu(i));
        m_vcpus.push_back(std::make_unique<VcpuThread>(std::move(vcpu), buses, m_state));
    }
    return {};
}

void Machine::pause_all() {
    for (auto& t : m_vcpus)
        t->request_pause();
    for (auto& t : m_vcpus)
        t->wait_paused();
}

void Machine::resume_all() {
    for (auto& t : m_vcpus)
        t->resume();
}

} // namespace kite::machine
