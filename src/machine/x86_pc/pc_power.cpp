#include "machine/x86_pc/pc_power.h"

#include "machine/x86_pc/pc_acpi.h"

namespace kite::machine {

static_assert(pc_acpi::kResetPort == devices::ResetControl::kPort);
static_assert(pc_acpi::kResetValue & devices::ResetControl::kResetCpu, "the FADT reset value must reset");

Result<PcPower> attach_pc_power(Bus& pio, std::shared_ptr<IrqLine> sci, std::shared_ptr<RunState> state) {
    PcPower power;
    power.pm = std::make_shared<devices::AcpiPm>(std::move(sci), pc_acpi::kS5SleepType, [state] {
        state->request_stop(to_int(ExitStatus::Ok), "guest powered off through ACPI (S5)");
    });
    TRY(devices::AcpiPm::attach(pio,
                                {.event = pc_acpi::kPm1aEventPort,
                                 .control = pc_acpi::kPm1aControlPort,
                                 .timer = pc_acpi::kPmTimerPort},
                                power.pm));
    power.reset = std::make_shared<devices::ResetControl>([state] {
        state->request_stop(to_int(ExitStatus::Ok), "guest reset through the reset control register (0xCF9)");
    });
    power.reset_device = devices::ResetControl::bus_device(power.reset);
    return power;
}

} // namespace kite::machine
