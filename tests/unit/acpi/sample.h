#pragma once

#include "acpi/tables.h"

namespace kite::acpi::testing {

// A PC-like board: 1 GiB of RAM, four CPUs, PCI with INTA-INTD of slots 1-4
// swizzled onto GSIs 16-19, COM1, LPT1, the RTC and an i8042.
inline PlatformDescription sample_description() {
    PlatformDescription d;
    d.ram = {{0, 1 * GiB}};
    d.cpu_apic_ids = {0, 1, 2, 3};
    d.ioapic = {.id = 4, .address = 0xfec0'0000, .gsi_base = 0};
    d.overrides = {{.irq = 0, .gsi = 2},
                   {.irq = 9, .gsi = 9, .polarity = Polarity::ActiveHigh, .trigger = Trigger::Level}};
    PciHost pci;
    pci.ecam_base = 0xb000'0000;
    pci.bus_start = 0;
    pci.bus_end = 255;
    pci.mmio32 = {0xc000'0000, 0x2000'0000};
    pci.mmio64 = AddressRange{0x1'0000'0000, 0x8'0000'0000};
    for (u8 slot = 1; slot <= 4; ++slot)
        for (u8 pin = 0; pin < 4; ++pin)
            pci.irq_routes.push_back({slot, pin, static_cast<u32>(16 + (slot + pin) % 4)});
    d.pci = pci;
    d.pm = {.pm1a_event = 0x600, .pm1a_control = 0x604, .pm_timer = 0x608, .sci_irq = 9, .s5_sleep_type = 0};
    d.serial_ports = {{.base = 0x3f8, .length = 8, .irq = 4}};
    d.parallel_ports = {{.base = 0x378, .length = 8, .irq = 7}};
    return d;
}

} // namespace kite::acpi::testing
