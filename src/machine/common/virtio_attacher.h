#pragma once

#include "base/error.h"
#include "block/disk_image.h"
#include "bus/bus.h"
#include "bus/irq_line.h"
#include "chardev/char_backend.h"
#include "event/io_thread.h"
#include "machine/common/machine.h"
#include "machine/common/virtio_config.h"
#include "memory/guest_memory.h"
#include "pci/msi_sink.h"
#include "pci/pci_bus.h"
#include "virtio/device/virtio_device.h"

#include <functional>
#include <memory>
#include <span>
#include <vector>

namespace kite::virtio {
class VirtioConsole;
}

namespace kite::machine {

// Where one board puts virtio devices: its virtio-mmio slots (addresses and
// the interrupt line of each) and its PCI bus. Everything else about virtio
// is the same on every board.
struct VirtioPlacement {
    u64 mmio_base{0};
    u64 mmio_stride{0};
    u32 mmio_slots{0}; // 0: the board has no virtio-mmio
    std::function<std::shared_ptr<IrqLine>(u32 slot)> mmio_irq;
    std::shared_ptr<pci::PciBus> pci;  // null: the board has no PCI bus
    std::shared_ptr<pci::MsiSink> msi; // null: PCI devices interrupt through INTx only
};

// The virtio devices the command line asks for (--disk, --net, --console).
// `disk_images`, if not empty, holds the disks' images already opened by
// open_disk_images(), one for each of `disks` in order.
struct VirtioRequest {
    const std::vector<DiskConfig>& disks;
    const std::vector<NetConfig>& nets;
    const ConsoleConfig& console;
    std::vector<block::DiskImage> disk_images{};
};

// Opens (and locks) every --disk image. A board calls it before it opens its
// accelerator, so that a bad image is a usage error on any host.
Result<std::vector<block::DiskImage>> open_disk_images(const std::vector<DiskConfig>& disks);

// Builds virtio devices from their configuration and puts each behind the
// transport it asks for, at the places the board's VirtioPlacement gives.
class VirtioAttacher {
public:
    // `mmio` is the bus the virtio-mmio slots go on.
    VirtioAttacher(Bus& mmio, const GuestMemory& memory, IoThread& io, VirtioPlacement placement);
    ~VirtioAttacher();

    // virtio-rng always (the first virtio-mmio slot, or PCI on a board without
    // slots), then the disks, NICs and the console in command-line order.
    Result<void> attach_configured(VirtioRequest request);

    // Puts a device behind a transport.
    Result<void> attach(std::shared_ptr<virtio::VirtioDevice> device, VirtioTransport transport);

    // Occupied virtio-mmio slots, for a device tree.
    const std::vector<u32>& mmio_slots() const { return m_mmio_slots; }

    // The virtio-console, if configured, and its host end (input goes to console()->receive()).
    virtio::VirtioConsole* console() const { return m_console.get(); }
    CharBackend* console_backend() const { return m_console_backend.get(); }

    // Where terminal input goes: to the virtio console when it took stdio,
    // else to the board's serial port (`serial`, whose input `to_serial`
    // takes); read on the I/O thread either way.
    ConsoleBinding console_binding(CharBackend& serial,
                                   std::function<void(std::span<const u8>)> to_serial) const;

private:
    Result<void> attach_mmio(std::shared_ptr<virtio::VirtioDevice> device);
    Result<void> attach_pci(std::shared_ptr<virtio::VirtioDevice> device);
    // A virtio-net NIC with its backend (slirp or tap); `index` picks the default MAC.
    Result<void> attach_net(const NetConfig& nic, u32 index);

    Bus* m_mmio;
    const GuestMemory* m_memory;
    IoThread* m_io;
    VirtioPlacement m_placement;
    std::vector<u32> m_mmio_slots;
    std::vector<std::shared_ptr<virtio::VirtioDevice>> m_devices;
    std::unique_ptr<CharBackend> m_console_backend;
    std::shared_ptr<virtio::VirtioConsole> m_console;
    bool m_console_on_stdio{false};
};

} // namespace kite::machine
