#include "machine/common/virtio_attacher.h"

#include "base/assert.h"
#include "base/log.h"
#include "net/slirp_backend.h"
#include "net/tap_backend.h"
#include "virtio/blk/virtio_blk.h"
#include "virtio/console/virtio_console.h"
#include "virtio/mmio/virtio_mmio.h"
#include "virtio/net/virtio_net.h"
#include "virtio/pci/virtio_pci.h"
#include "virtio/rng/virtio_rng.h"

namespace kite::machine {

VirtioAttacher::VirtioAttacher(Bus& mmio, const GuestMemory& memory, IoThread& io, VirtioPlacement placement)
    : m_mmio(&mmio), m_memory(&memory), m_io(&io), m_placement(std::move(placement)) {}

VirtioAttacher::~VirtioAttacher() = default;

Result<void> VirtioAttacher::attach(std::shared_ptr<virtio::VirtioDevice> device, VirtioTransport transport) {
    switch (transport) {
    case VirtioTransport::Mmio:
        TRY(attach_mmio(device));
        break;
    case VirtioTransport::Pci:
        TRY(attach_pci(device));
        break;
    }
    m_devices.push_back(std::move(device));
    return {};
}

Result<void> VirtioAttacher::attach_mmio(std::shared_ptr<virtio::VirtioDevice> device) {
    u32 slot = static_cast<u32>(m_mmio_slots.size());
    if (m_placement.mmio_slots == 0)
        return error("{}: this board has no virtio-mmio slots (use transport=pci)", device->name());
    if (slot >= m_placement.mmio_slots)
        return error("no free virtio-mmio slot for {} (the board has {}; use transport=pci)", device->name(),
                     m_placement.mmio_slots);
    auto transport = std::make_shared<virtio::VirtioMmio>(device, m_placement.mmio_irq(slot));
    TRY(m_mmio->insert(m_placement.mmio_base + slot * m_placement.mmio_stride, virtio::VirtioMmio::kLength,
                       transport, fmt::format("virtio-mmio{} ({})", slot, device->name())));
    m_mmio_slots.push_back(slot);
    log::debug("virtio: {} on virtio-mmio slot {}", device->name(), slot);
    return {};
}

Result<void> VirtioAttacher::attach_pci(std::shared_ptr<virtio::VirtioDevice> device) {
    if (!m_placement.pci)
        return error("{}: this board has no PCI bus (use transport=mmio)", device->name());
    u8 slot =
        TRY_CONTEXT(m_placement.pci->add_device(std::make_shared<virtio::VirtioPci>(device, m_placement.msi)),
                    fmt::format("{} on PCI", device->name()));
    log::debug("virtio: {} on PCI 00:{:02x}.0", device->name(), slot);
    return {};
}

Result<void> VirtioAttacher::attach_net(const NetConfig& nic, u32 index) {
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

Result<std::vector<block::DiskImage>> open_disk_images(const std::vector<DiskConfig>& disks) {
    std::vector<block::DiskImage> images;
    images.reserve(disks.size());
    for (const DiskConfig& disk : disks)
        images.push_back(TRY_CONTEXT(block::DiskImage::open(disk.path, disk.readonly),
                                     fmt::format("--disk '{}'", disk.path)));
    return images;
}

Result<void> VirtioAttacher::attach_configured(VirtioRequest request) {
    if (request.disk_images.empty())
        request.disk_images = TRY(open_disk_images(request.disks));
    KITE_ASSERT(request.disk_images.size() == request.disks.size(), "one opened image per --disk");
    auto rng_transport = m_placement.mmio_slots > 0 ? VirtioTransport::Mmio : VirtioTransport::Pci;
    TRY(attach(std::make_shared<virtio::VirtioRng>(*m_memory), rng_transport));
    for (std::size_t i = 0; i < request.disks.size(); ++i) {
        const DiskConfig& disk = request.disks[i];
        std::string serial = disk.serial.empty() ? fmt::format("kite-disk{}", i) : disk.serial;
        auto blk = TRY_CONTEXT(
            virtio::VirtioBlk::create(*m_memory, *m_io, std::move(request.disk_images[i]), serial),
            fmt::format("--disk '{}'", disk.path));
        TRY(attach(std::move(blk), disk.transport));
    }
    for (std::size_t i = 0; i < request.nets.size(); ++i)
        TRY(attach_net(request.nets[i], static_cast<u32>(i)));
    if (request.console.host.mode != SerialMode::None) {
        m_console_backend = TRY_CONTEXT(open_serial(request.console.host), "--console");
        CharBackend* backend = m_console_backend.get();
        m_console = std::make_shared<virtio::VirtioConsole>(
            *m_memory, m_io->loop(), [backend](std::span<const u8> bytes) { backend->write(bytes); });
        TRY(attach(m_console, request.console.transport));
        m_console_on_stdio = request.console.host.mode == SerialMode::Stdio;
    }
    return {};
}

ConsoleBinding VirtioAttacher::console_binding(CharBackend& serial,
                                               std::function<void(std::span<const u8>)> to_serial) const {
    if (!m_console_on_stdio)
        return {&serial, std::move(to_serial), &m_io->loop()};
    return {m_console_backend.get(),
            [console = m_console](std::span<const u8> bytes) { console->receive(bytes); }, &m_io->loop()};
}

} // namespace kite::machine
