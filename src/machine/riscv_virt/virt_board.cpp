#include "machine/riscv_virt/virt_board.h"

#include "machine/riscv_virt/virt_machine.h"

namespace kite::machine {

MachineResult<int> run_riscv_virt(const VirtConfig& config) {
    RiscvVirtMachine machine(config);
    return machine.build_boot_run();
}

} // namespace kite::machine
