#include "machine/riscv_virt/virt_devices.h"

#include "devices/plic/plic.h"
#include "machine/riscv_virt/virt_layout.h"
#include "pci/bar_window.h"
#include "pci/ecam_host.h"
#include "pci/intx.h"

namespace kite::machine {

using namespace virt;

Result<VirtioPlacement> attach_virt_virtio_host(Bus& mmio, devices::Plic& plic) {
    std::array<std::shared_ptr<IrqLine>, kPciIntxLines> lines;
    for (u32 i = 0; i < kPciIntxLines; ++i)
        lines[i] = plic.irq_line(kPciFirstIrq + i);
    auto router = std::make_shared<pci::IntxRouter>(lines);
    auto pci =
        std::make_shared<pci::PciBus>([router](u8 slot, u8 pin) { return router->line_for(slot, pin); });
    TRY(mmio.insert(kPciEcamBase, kPciEcamSize, std::make_shared<pci::EcamHost>(pci), "pci-ecam"));
    TRY(mmio.insert(kPciMmioBase, kPciMmioSize,
                    std::make_shared<pci::PciBarWindow>(pci, pci::PciSpace::Memory, kPciMmioBase),
                    "pci-mmio"));
    TRY(mmio.insert(kPciIoBase, kPciIoSize, std::make_shared<pci::PciBarWindow>(pci, pci::PciSpace::Io, 0),
                    "pci-io"));
    return VirtioPlacement{
        .mmio_base = kVirtioBase,
        .mmio_stride = kVirtioStride,
        .mmio_slots = kVirtioSlots,
        .mmio_irq = [&plic](u32 slot) { return plic.irq_line(kVirtioFirstIrq + slot); },
        .pci = std::move(pci),
    };
}

} // namespace kite::machine
