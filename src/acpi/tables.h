#pragma once

#include "base/error.h"

#include <optional>
#include <span>
#include <string>
#include <vector>

// ACPI tables for a PC-like board, generated from a plain description of it.
// The library knows the table formats (ACPI 6.3), not any board: a board
// fills in a PlatformDescription and places the result in guest memory.
namespace kite::acpi {

enum class Polarity : u8 { Conforming = 0, ActiveHigh = 1, ActiveLow = 3 };
enum class Trigger : u8 { Conforming = 0, Edge = 1, Level = 3 };

struct AddressRange {
    u64 base{0};
    u64 size{0};
    u64 end() const { return base + size; }
};

// An ISA IRQ that reaches the IOAPIC on another GSI or with other flags (MADT).
struct InterruptOverride {
    u8 irq{0};
    u32 gsi{0};
    Polarity polarity{Polarity::Conforming};
    Trigger trigger{Trigger::Conforming};
};

struct IoApic {
    u8 id{0};
    u32 address{0xfec0'0000};
    u32 gsi_base{0};
};

// INTx pin `pin` (0-3 for INTA-INTD) of the device in `slot` on the root bus
// reaches the IOAPIC input `gsi`. With no link devices the guest treats these
// GSIs as level-triggered, active-low and shareable (ACPI 6.3, 6.2.13).
struct PciIrqRoute {
    u8 slot{0};
    u8 pin{0};
    u32 gsi{0};
};

struct PciHost {
    u64 ecam_base{0};
    u16 segment{0};
    u8 bus_start{0};
    u8 bus_end{0};
    AddressRange mmio32;              // below 4 GiB
    std::optional<AddressRange> mmio64; // above 4 GiB
    AddressRange io{0, 0x10000};      // the I/O window; 0xCF8-0xCFF stays the host bridge's
    std::vector<PciIrqRoute> irq_routes;
};

// The fixed ACPI hardware in I/O space: the PM1a event block (status and
// enable, 4 bytes), PM1a control block (2 bytes), PM timer (4 bytes, 32-bit).
struct PmBlock {
    u16 pm1a_event{0};
    u16 pm1a_control{0};
    u16 pm_timer{0};
    u16 sci_irq{9};
    u8 s5_sleep_type{0}; // SLP_TYP written with SLP_EN to power off (the _S5 package)
};

// The FADT's RESET_REG: an I/O port or a memory address and the byte to write.
struct ResetRegister {
    bool io{true};
    u64 address{0xcf9};
    u8 value{0x06};
};

// An ISA device with one I/O range and one IRQ (COM, LPT).
struct IsaPort {
    u16 base{0};
    u8 length{8};
    u8 irq{0};
};

struct PlatformDescription {
    std::vector<AddressRange> ram; // guest RAM, so the windows can be checked against it
    std::vector<u8> cpu_apic_ids;  // one entry per vCPU, in ACPI processor UID order
    u32 local_apic_address{0xfee0'0000};
    IoApic ioapic;
    std::vector<InterruptOverride> overrides;
    u8 nmi_lint{1}; // the local APIC input wired to NMI, on every CPU
    std::optional<PciHost> pci;
    PmBlock pm;
    ResetRegister reset;
    std::vector<IsaPort> serial_ports;   // COM1, COM2, ... (PNP0501)
    std::vector<IsaPort> parallel_ports; // LPT1, ... (PNP0400)
    bool rtc{true};   // CMOS RTC at 0x70, IRQ 8 (PNP0B00)
    bool i8042{true}; // keyboard controller at 0x60/0x64, IRQ 1 (PNP0303)
};

// One table inside the blob.
struct TableInfo {
    std::string signature; // "RSDP" for the root pointer, which has no header
    u64 address{0};
    std::size_t offset{0}; // in AcpiTables::bytes
    std::size_t length{0};
};

// The tables laid out for one guest address: `bytes` belongs at `base`.
struct AcpiTables {
    u64 base{0};
    std::vector<u8> bytes;
    u64 rsdp_address{0};
    std::vector<TableInfo> tables;

    std::span<const u8> table(const TableInfo& info) const {
        return std::span<const u8>(bytes).subspan(info.offset, info.length);
    }
    const TableInfo* find(std::string_view signature) const;
};

// Checks the description and builds RSDP, XSDT, RSDT, FADT, FACS, MADT, MCFG
// (with a PCI host) and DSDT, laid out from `base` (16-byte aligned, all of it
// below 4 GiB), with every pointer and checksum filled in. The RSDP comes
// first, so a base in 0xE0000-0xFFFFF makes it findable by a BIOS-area scan.
Result<AcpiTables> build_tables(const PlatformDescription& description, u64 base);

// The ACPI checksum byte's rule: the bytes sum to zero modulo 256.
u8 checksum(std::span<const u8> bytes);

// Writes each table to `dir`/<SIG>.dat (RSDP.dat, DSDT.dat, ...), the names
// and format `iasl -d` takes. The directory must exist.
Result<void> write_tables(const AcpiTables& tables, const std::string& dir);

} // namespace kite::acpi
