#include "acpi/dsdt.h"

#include <fmt/format.h>

namespace kite::acpi {
namespace {

using namespace aml;

// The ports of PCI configuration mechanism #1 (0xCF8 address, 0xCFC data),
// which stay with the host bridge: its I/O window goes around them.
constexpr u16 kConfigPorts = 0xcf8;
constexpr u16 kConfigPortsEnd = 0xd00;

Term processors(const PlatformDescription& d) {
    TermList cpus;
    for (std::size_t uid = 0; uid < d.cpu_apic_ids.size(); ++uid)
        cpus.push_back(device(fmt::format("C{:03X}", uid), {
                                                               name("_HID", string("ACPI0007")),
                                                               name("_UID", integer(uid)),
                                                           }));
    return concat(cpus);
}

Term host_bridge_resources(const PciHost& pci) {
    TermList crs;
    crs.push_back(res::word_bus_number(pci.bus_start, pci.bus_end));
    crs.push_back(res::io(kConfigPorts, kConfigPorts, 1, 8));
    // The I/O window, minus the configuration ports when it covers them.
    u64 start = pci.io.base;
    u64 end = pci.io.end();
    if (start < kConfigPorts && end > kConfigPorts)
        crs.push_back(res::word_io(static_cast<u16>(start), kConfigPorts - 1));
    if (end > kConfigPortsEnd && start < kConfigPortsEnd)
        crs.push_back(res::word_io(kConfigPortsEnd, static_cast<u16>(end - 1)));
    if (end <= kConfigPorts || start >= kConfigPortsEnd)
        crs.push_back(res::word_io(static_cast<u16>(start), static_cast<u16>(end - 1)));
    crs.push_back(res::dword_memory(static_cast<u32>(pci.mmio32.base), static_cast<u32>(pci.mmio32.end() - 1),
                                    false));
    if (pci.mmio64)
        crs.push_back(res::qword_memory(pci.mmio64->base, pci.mmio64->end() - 1, false));
    return resource_template(crs);
}

// _PRT: one package per routed pin, {slot address, pin, source, index}. A
// source of Zero means the index is a GSI, with no link device between.
Term routing_table(const PciHost& pci) {
    TermList entries;
    for (const auto& r : pci.irq_routes)
        entries.push_back(package({
            dword_const((u32{r.slot} << 16) | 0xffff), // any function of the slot
            integer(r.pin),
            zero(),
            integer(r.gsi),
        }));
    return package(entries);
}

// _OSC for a PCI Express host bridge (PCI Firmware Specification 3.2, 4.5):
// the OS may take native control of everything it asks for (hot-plug, PME,
// AER, the PCIe capability), since no firmware here wants any of it.
Term pcie_osc() {
    Term cdw1 = name_string("CDW1");
    Term cdw3 = name_string("CDW3");
    return method("_OSC", 4, false,
                  {
                      create_dword_field(arg(3), zero(), "CDW1"),
                      if_(lequal(arg(0), uuid("33db4d5b-1ff7-401c-9657-7441c03dd766")),
                          {
                              create_dword_field(arg(3), integer(8), "CDW3"),
                              and_(cdw3, integer(0x1f), cdw3),
                              // Only revision 1 is known: otherwise "unrecognized revision".
                              if_(lnot(lequal(arg(1), one())), {or_(cdw1, integer(0x08), cdw1)}),
                          }),
                      else_({or_(cdw1, integer(0x04), cdw1)}), // "unrecognized UUID"
                      return_(arg(3)),
                  });
}

Term pci_host(const PciHost& pci) {
    return device("PCI0", {
                              name("_HID", eisa_id("PNP0A08")),
                              name("_CID", eisa_id("PNP0A03")),
                              name("_SEG", integer(pci.segment)),
                              name("_BBN", integer(pci.bus_start)),
                              name("_UID", integer(pci.segment)),
                              name("_CRS", host_bridge_resources(pci)),
                              name("_PRT", routing_table(pci)),
                              pcie_osc(),
                          });
}

// Motherboard resources (PNP0C02): the ECAM area, which Linux only uses when
// it is reserved here or in the memory map, and the PM registers.
Term motherboard_resources(const PlatformDescription& d) {
    TermList crs;
    if (d.pci) {
        const auto& pci = *d.pci;
        u64 ecam = pci.ecam_base + (u64{pci.bus_start} << 20);
        u64 size = (u64{pci.bus_end} - pci.bus_start + 1) << 20;
        crs.push_back(res::memory32_fixed(static_cast<u32>(ecam), static_cast<u32>(size)));
    }
    crs.push_back(res::io(d.pm.pm1a_event, d.pm.pm1a_event, 1, 4));
    crs.push_back(res::io(d.pm.pm1a_control, d.pm.pm1a_control, 1, 2));
    if (d.pm.pm_timer)
        crs.push_back(res::io(d.pm.pm_timer, d.pm.pm_timer, 1, 4));
    return device("MRES", {
                              name("_HID", eisa_id("PNP0C02")),
                              name("_UID", zero()),
                              name("_CRS", resource_template(crs)),
                          });
}

Term isa_device(std::string_view dev_name, std::string_view hid, u64 uid, const IsaPort& port) {
    return device(dev_name, {
                                name("_HID", eisa_id(hid)),
                                name("_UID", integer(uid)),
                                name("_CRS", resource_template({
                                                 res::io(port.base, port.base, 1, port.length),
                                                 res::irq_no_flags(port.irq),
                                             })),
                            });
}

Term legacy_devices(const PlatformDescription& d) {
    TermList devices;
    for (std::size_t i = 0; i < d.serial_ports.size(); ++i)
        devices.push_back(isa_device(fmt::format("COM{}", i + 1), "PNP0501", i + 1, d.serial_ports[i]));
    for (std::size_t i = 0; i < d.parallel_ports.size(); ++i)
        devices.push_back(isa_device(fmt::format("LPT{}", i + 1), "PNP0400", i + 1, d.parallel_ports[i]));
    if (d.rtc)
        devices.push_back(device("RTC", {
                                            name("_HID", eisa_id("PNP0B00")),
                                            name("_CRS", resource_template({
                                                             res::io(0x70, 0x70, 1, 2),
                                                             res::irq_no_flags(8),
                                                         })),
                                        }));
    if (d.i8042)
        devices.push_back(device("KBD", {
                                            name("_HID", eisa_id("PNP0303")),
                                            name("_CRS", resource_template({
                                                             res::io(0x60, 0x60, 1, 1),
                                                             res::io(0x64, 0x64, 1, 1),
                                                             res::irq_no_flags(1),
                                                         })),
                                        }));
    return concat(devices);
}

} // namespace

Term dsdt_aml(const PlatformDescription& d) {
    TermList sb{processors(d)};
    if (d.pci)
        sb.push_back(pci_host(*d.pci));
    sb.push_back(motherboard_resources(d));
    sb.push_back(legacy_devices(d));
    u8 typ = d.pm.s5_sleep_type;
    return concat({
        scope("\\_SB", sb),
        // \_S5: SLP_TYPa, SLP_TYPb and two reserved values.
        name("\\_S5", package({integer(typ), integer(typ), zero(), zero()})),
    });
}

} // namespace kite::acpi
