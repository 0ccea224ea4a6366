#include "machine/riscv_virt/virt_devices.h"

#include "base/log.h"
#include "devices/plic/plic.h"
#include "machine/riscv_virt/virt_board.h"
#include "machine/riscv_virt/virt_layout.h"
#include "pci/bar_window.h"
#include "pci/ecam_host.h"
#include "pci/intx.h"
#include "virtio/blk/virtio_blk.h"
#include "net/slirp_backend.h"
#include "net/tap_backend.h"
#include "virtio/console/virtio_console.h"
#include "virtio/net/virtio_net.h"
#include "virtio/mmio/virtio_mmio.h"
#include "virtio/pci/virtio_pci.h"
#include "virtio/rng/virtio_rng.h"

namespace kite::machine {

using namespace virt;

Result<std::unique_ptr<VirtVirtio>> VirtVirtio::create(Bus& mmio, devices::Plic& plic, const GuestMemory& memory,
                                                       IoThread& io) {
    std::unique_ptr<VirtVirtio> v(new VirtVirtio(mmio, plic, memory, io));
    std::array<std::shared_ptr<IrqLine>, kPciIntxLines> lines;
    for (u32 i = 0; i < kPciIntxLines; ++i)
        lines[i] = plic.irq_line(kPciFirstIrq + i);
    auto router = std::make_shared<pci::IntxRouter>(lines);
    v->m_pci = std::make_shared<pci::PciBus>([router](u8 slot, u8 pin) { return router->line_for(slot, pin); });
    TRY(mmio.insert(kPciEcamBase, kPciEcamSize, std::make_shared<pci::EcamHost>(v->m_pci), "pci-ecam"));
    TRY(mmio.insert(kPciMmioBase, kPciMmioSize,
                    std::make_shared<pci::PciBarWindow>(v->m_pci, pci::PciSpace::Memory, kPciMmioBase),
                    "pci-mmio"));
    TRY(mmio.insert(kPciIoBase, kPciIoSize, std::make_shared<pci::PciBarWindow>(v->m_pci, pci::PciSpace::Io, 0),
                    "pci-io"));
    return v;
}

VirtVirtio::~VirtVirtio() = default;

Result<void> VirtVirtio::attach(std::shared_ptr<virtio::VirtioDevice> device, VirtioTransport transport) {
    switch (transport) {
    case VirtioTransport::Mmio: {
        u32 slot = static_cast<u32>(m_mmio_slots.size());
        if (slot >= kVirtioSlots)
            return error("no free virtio-mmio slot for {} (the board has {}; use transport=pci)", device->name(),
                         kVirtioSlots);
        auto t = std::make_shared<virtio::VirtioMmio>(device, m_plic->irq_line(kVirtioFirstIrq + slot));
        TRY(m_mmio->insert(kVirtioBase + slot * kVirtioStride, virtio::VirtioMmio::kLength, t,
                           fmt::format("virtio-mmio{} ({})", slot, device->name())));
        m_mmio_slots.push_back(slot);
        log::debug("virt: {} on virtio-mmio slot {}", device->name(), slot);
        break;
    }
    case VirtioTransport::Pci: {
        u8 slot = TRY_CONTEXT(m_pci->add_device(std::make_shared<virtio::VirtioPci>(device)),
                              fmt::format("{} on PCI", device->name()));
        log::debug("virt: {} on PCI 00:{:02x}.0", device->name(), slot);
        break;
    }
    }
    m_devices.push_back(std::move(device));
    return {};
}

Result<void> VirtVirtio::attach_net(const NetConfig& nic, u32 index) {
    std::unique_ptr<net::NetBackend> backend;
    switch (nic.backend) {
    case NetBackendKind::User: {
        net::SlirpOptions options;
        options.hostname = "kite";
        options.hostfwds = nic.hostfwds;
        backend = TRY_CONTEXT(net::SlirpBackend::create(*m_io, options), "--net user");
        break;
    }
    case NetBackendKind::Tap:
        backend = TRY_CONTEXT(net::TapBackend::create(*m_io, net::TapOptions{.ifname = nic.tap_name}),
                              fmt::format("--net tap={}", nic.tap_name));
        break;
    }
    virtio::VirtioNetOptions options;
    options.mac = nic.mac.value_or(net::MacAddress::default_for(index));
    return attach(std::make_shared<virtio::VirtioNet>(*m_memory, *m_io, std::move(backend), options),
                  nic.transport);
}

Result<void> VirtVirtio::attach_configured(const VirtConfig& config) {
    TRY(attach(std::make_shared<virtio::VirtioRng>(*m_memory), VirtioTransport::Mmio));
    for (std::size_t i = 0; i < config.disks.size(); ++i) {
        const DiskConfig& disk = config.disks[i];
        std::string serial = disk.serial.empty() ? fmt::format("kite-disk{}", i) : disk.serial;
        auto blk = TRY_CONTEXT(virtio::VirtioBlk::open(*m_memory, *m_io, disk.path, disk.readonly, serial),
                               fmt::format("--disk '{}'", disk.path));
        TRY(attach(std::move(blk), disk.transport));
    }
    for (std::size_t i = 0; i < config.nets.size(); ++i)
        TRY(attach_net(config.nets[i], static_cast<u32>(i)));
    if (config.console.host.mode != SerialMode::None) {
        m_console_backend = TRY_CONTEXT(open_serial(config.console.host), "--console");
        CharBackend* backend = m_console_backend.get();
        m_console = std::make_shared<virtio::VirtioConsole>(
            *m_memory, m_io->loop(), [backend](std::span<const u8> bytes) { backend->write(bytes); });
        TRY(attach(m_console, config.console.transport));
    }
    return {};
}

} // namespace kite::machine
