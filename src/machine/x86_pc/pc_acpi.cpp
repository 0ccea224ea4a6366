#include "machine/x86_pc/pc_acpi.h"

#include "machine/x86_pc/pc_board.h"
#include "pci/intx.h"

#include <algorithm>

namespace kite::machine {

acpi::PlatformDescription pc_acpi_description(const PcConfig& config) {
    using namespace pc_acpi;
    acpi::PlatformDescription d;
    auto ram = pc::ram_layout(config.memory);
    d.ram.push_back({0, ram.low});
    if (ram.high)
        d.ram.push_back({pc::kHighRamStart, ram.high});
    for (u32 i = 0; i < config.cpus; ++i)
        d.cpu_apic_ids.push_back(static_cast<u8>(i)); // vCPU i has APIC ID i
    d.ioapic = {.id = 0, .address = 0xfec0'0000, .gsi_base = 0};
    // The PIT's IRQ 0 is the IOAPIC's input 2; the SCI is level-triggered, active-high.
    d.overrides = {
        {.irq = 0, .gsi = 2},
        {.irq = kSciIrq, .gsi = kSciIrq, .polarity = acpi::Polarity::ActiveHigh, .trigger = acpi::Trigger::Level},
    };

    acpi::PciHost pci;
    pci.ecam_base = kEcamBase;
    pci.bus_start = 0;
    pci.bus_end = kEcamLastBus;
    pci.mmio32 = {kPciMmio32Base, kPciMmio32Size};
    u64 ram_top = d.ram.back().end();
    u64 mmio64_base = std::max(pc::kHighRamStart, (ram_top + GiB - 1) & ~(GiB - 1));
    pci.mmio64 = acpi::AddressRange{mmio64_base, kPciMmio64Size};
    for (u8 slot = 0; slot < 32; ++slot)
        for (u8 pin = 1; pin <= 4; ++pin)
            pci.irq_routes.push_back({slot, static_cast<u8>(pin - 1), kPciFirstGsi + pci::intx_swizzle(slot, pin)});
    d.pci = std::move(pci);

    d.pm = {.pm1a_event = kPm1aEventPort,
            .pm1a_control = kPm1aControlPort,
            .pm_timer = kPmTimerPort,
            .sci_irq = kSciIrq,
            .s5_sleep_type = kS5SleepType};
    d.reset = {.io = true, .address = kResetPort, .value = kResetValue};
    d.serial_ports = {{.base = pc::kCom1Port, .length = 8, .irq = static_cast<u8>(pc::kCom1Irq)}};
    d.parallel_ports = {{.base = 0x378, .length = 8, .irq = 7}};
    d.rtc = true;
    d.i8042 = true;
    return d;
}

Result<acpi::AcpiTables> build_pc_acpi(const PcConfig& config) {
    return acpi::build_tables(pc_acpi_description(config), pc_acpi::kTablesBase);
}

Result<boot::MemoryMapEntry> write_pc_acpi(const GuestMemory& memory, const acpi::AcpiTables& tables) {
    u64 size = tables.bytes.size();
    if (tables.base < pc_acpi::kTablesBase || size > pc_acpi::kTablesEnd - tables.base)
        return error("acpi: {} bytes of tables at {:#x} do not fit below {:#x}", size, tables.base,
                     pc_acpi::kTablesEnd);
    TRY_CONTEXT(memory.write(GuestAddress(tables.base), tables.bytes), "acpi tables");
    return boot::MemoryMapEntry{.base = tables.base, .length = size, .type = boot::kMemoryAcpi};
}

Result<void> dump_pc_acpi(const PcConfig& config, const std::string& dir) {
    auto tables = TRY_CONTEXT(build_pc_acpi(config), "--dump-acpi");
    TRY_CONTEXT(acpi::write_tables(tables, dir), "--dump-acpi");
    return {};
}

} // namespace kite::machine
