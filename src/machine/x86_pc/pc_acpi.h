#pragma once

#include "acpi/tables.h"
#include "boot/x86_memory_map.h"
#include "machine/x86_pc/pc_config.h"
#include "memory/guest_memory.h"

namespace kite::machine {

// The ACPI view of the pc board: the tables it puts in guest memory, and
// what `--dump-acpi DIR` writes.
namespace pc_acpi {
constexpr u64 kTablesBase = 0xe0000;        // the BIOS area Linux scans for the RSDP
constexpr u64 kTablesEnd = 0x10'0000;       // ... which ends at 1 MiB
constexpr u64 kPciMmio32Base = 0xc000'0000; // 512 MiB right above low RAM
constexpr u64 kPciMmio32Size = 0x2000'0000;
constexpr u64 kEcamBase = 0xf000'0000; // buses 0-127, clear of the testdev MMIO page and the APICs
constexpr u8 kEcamLastBus = 127;
constexpr u64 kPciMmio64Size = 32 * GiB; // above RAM, from the next 1 GiB boundary
// INTA-INTD after the swizzle reach IOAPIC inputs 16-19 directly (no link
// devices), so the guest programs them level-triggered and active-low: an
// interrupt controller model must treat a raised IrqLine as asserted whatever
// the polarity bit says, as KVM's in-kernel IOAPIC does.
constexpr u32 kPciFirstGsi = 16;
constexpr u16 kPm1aEventPort = 0x600;
constexpr u16 kPm1aControlPort = 0x604;
constexpr u16 kPmTimerPort = 0x608;
constexpr u8 kSciIrq = 9;
constexpr u8 kS5SleepType = 0; // SLP_TYP written with SLP_EN to power off
constexpr u16 kResetPort = 0xcf9;
constexpr u8 kResetValue = 0x06; // full reset: "reset CPU" and "system reset" bits
} // namespace pc_acpi

// The board as ACPI describes it, for `config`'s CPUs and RAM.
acpi::PlatformDescription pc_acpi_description(const PcConfig& config);

// Builds the tables for `config` at pc_acpi::kTablesBase.
Result<acpi::AcpiTables> build_pc_acpi(const PcConfig& config);

// Copies `tables` into guest RAM at their base and returns the memory-map
// range (ACPI type) that keeps them from the guest's allocator.
Result<boot::MemoryMapEntry> write_pc_acpi(const GuestMemory& memory, const acpi::AcpiTables& tables);

// Writes them to `dir` as <SIG>.dat files (`--dump-acpi`).
Result<void> dump_pc_acpi(const PcConfig& config, const std::string& dir);

} // namespace kite::machine
