#include "machine/x86_pc/pc_pci.h"

#include "machine/x86_pc/pc_acpi.h"
#include "pci/bar_assign.h"
#include "pci/bar_window.h"
#include "pci/ecam_host.h"
#include "pci/intx.h"
#include "pci/pio_config_host.h"

namespace kite::machine {

namespace {
constexpr u64 kEcamSize = pci::EcamHost::window_size(pc_acpi::kEcamLastBus + 1);
}

Result<std::shared_ptr<pci::PciBus>> attach_pc_pci_host(Bus& pio, Bus& mmio,
                                                        std::array<std::shared_ptr<IrqLine>, 4> intx,
                                                        std::shared_ptr<BusDevice> reset_control) {
    auto router = std::make_shared<pci::IntxRouter>(std::move(intx));
    auto bus =
        std::make_shared<pci::PciBus>([router](u8 slot, u8 pin) { return router->line_for(slot, pin); });
    TRY(pio.insert(pci::PioConfigHost::kBasePort, pci::PioConfigHost::kLength,
                   std::make_shared<pci::PioConfigHost>(bus, std::move(reset_control)), "pci-config"));
    TRY(mmio.insert(pc_acpi::kEcamBase, kEcamSize, std::make_shared<pci::EcamHost>(bus), "pci-ecam"));
    TRY(mmio.insert(pc_acpi::kPciMmio32Base, pc_acpi::kPciMmio32Size,
                    std::make_shared<pci::PciBarWindow>(bus, pci::PciSpace::Memory, pc_acpi::kPciMmio32Base),
                    "pci-mmio32"));
    return bus;
}

VirtioPlacement pc_virtio_placement(std::shared_ptr<pci::PciBus> bus, std::shared_ptr<pci::MsiSink> msi) {
    VirtioPlacement placement;
    placement.pci = std::move(bus);
    placement.msi = std::move(msi);
    return placement;
}

Result<void> assign_pc_pci_bars(pci::PciBus& bus) {
    return pci::assign_memory_bars(bus, pc_acpi::kPciMmio32Base, pc_acpi::kPciMmio32Size);
}

boot::MemoryMapEntry pc_pci_reserved_memory() {
    return {pc_acpi::kEcamBase, kEcamSize, boot::kMemoryReserved};
}

} // namespace kite::machine
