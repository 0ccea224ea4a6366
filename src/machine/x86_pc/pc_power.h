#pragma once

#include "bus/bus.h"
#include "bus/irq_line.h"
#include "devices/acpi_pm/acpi_pm.h"
#include "devices/acpi_pm/reset_control.h"
#include "vcpu/run_state.h"

#include <memory>

namespace kite::machine {

// The pc board's ACPI power hardware, at the ports its FADT names
// (pc_acpi.h): the PM1a event and control blocks and the PM timer, with the
// SCI on `sci` (GSI 9), and the reset control register for 0xCF9.
struct PcPower {
    std::shared_ptr<devices::AcpiPm> pm;
    std::shared_ptr<devices::ResetControl> reset;
    // The reset register's bus device for 0xCF9: the board puts it there, or
    // gives it to the PCI configuration host that owns 0xCF8-0xCFF.
    std::shared_ptr<BusDevice> reset_device;
};

// Puts the PM blocks on `pio`. Writing SLP_EN with the `_S5` sleep type ends
// Kite with status 0 (`poweroff`), and so does the reset register (`reboot`),
// as the i8042 reset does.
Result<PcPower> attach_pc_power(Bus& pio, std::shared_ptr<IrqLine> sci, std::shared_ptr<RunState> state);

} // namespace kite::machine
