#pragma once

#include "base/error.h"
#include "boot/x86_memory_map.h"
#include "bus/bus.h"
#include "bus/bus_device.h"
#include "bus/irq_line.h"
#include "machine/common/virtio_attacher.h"
#include "pci/msi_sink.h"
#include "pci/pci_bus.h"

#include <array>
#include <memory>

namespace kite::machine {

// The pc board's PCI host, at the places its ACPI tables describe
// (pc_acpi.h): configuration mechanism #1 on ports 0xCF8-0xCFF (byte
// accesses to 0xCF9 go to `reset_control`, the chipset's reset register),
// ECAM at pc_acpi::kEcamBase, and the 32-bit memory window
// [kPciMmio32Base, + kPciMmio32Size) in the hole below 4 GiB. INTA-INTD
// after the swizzle drive `intx[0..3]`, IOAPIC inputs 16-19 as the _PRT says.
Result<std::shared_ptr<pci::PciBus>> attach_pc_pci_host(Bus& pio, Bus& mmio,
                                                        std::array<std::shared_ptr<IrqLine>, 4> intx,
                                                        std::shared_ptr<BusDevice> reset_control);

// Virtio on the pc board: PCI only (no virtio-mmio slots), with MSI-X when
// `msi` is given.
VirtioPlacement pc_virtio_placement(std::shared_ptr<pci::PciBus> bus, std::shared_ptr<pci::MsiSink> msi);

// Places the devices' memory BARs in the 32-bit window and enables them, as
// firmware would, so a guest that does not assign BARs itself finds them.
Result<void> assign_pc_pci_bars(pci::PciBus& bus);

// What the guest's memory map says about PCI: the ECAM area reserved (the
// windows stay gaps, free for BARs).
boot::MemoryMapEntry pc_pci_reserved_memory();

} // namespace kite::machine
