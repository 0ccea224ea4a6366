#pragma once

#include "base/error.h"
#include "bus/bus.h"
#include "chardev/char_backend.h"
#include "event/io_thread.h"
#include "machine/common/virtio_config.h"
#include "memory/guest_memory.h"
#include "pci/pci_bus.h"
#include "virtio/device/virtio_device.h"

#include <memory>
#include <vector>

namespace kite::devices {
class Plic;
}
namespace kite::virtio {
class VirtioConsole;
}

namespace kite::machine {

struct VirtConfig;

// The `virt` board's virtio devices and the two transports they sit behind:
// the virtio-mmio slots (described in the device tree) and the generic PCIe
// host (enumerated by the guest). Device models are shared with every board;
// this is where the board description decides what is attached and where.
class VirtVirtio {
public:
    // Creates the PCI host (ECAM, memory and I/O windows, INTx to the PLIC) on `mmio`.
    static Result<std::unique_ptr<VirtVirtio>> create(Bus& mmio, devices::Plic& plic, const GuestMemory& memory,
                                                      IoThread& io);
    ~VirtVirtio();

    // The devices the configuration asks for: virtio-rng always (first
    // virtio-mmio slot), then disks, NICs and the console in command-line order.
    Result<void> attach_configured(const VirtConfig& config);

    // Puts a device behind a transport.
    Result<void> attach(std::shared_ptr<virtio::VirtioDevice> device, VirtioTransport transport);

    // Occupied virtio-mmio slots, for the device tree.
    const std::vector<u32>& mmio_slots() const { return m_mmio_slots; }

    // The virtio-console, if configured, and its host end (input goes to console()->receive()).
    virtio::VirtioConsole* console() const { return m_console.get(); }
    CharBackend* console_backend() const { return m_console_backend.get(); }

private:
    // A virtio-net NIC with its backend (slirp or tap); `index` picks the default MAC.
    Result<void> attach_net(const NetConfig& nic, u32 index);

    VirtVirtio(Bus& mmio, devices::Plic& plic, const GuestMemory& memory, IoThread& io)
        : m_mmio(&mmio), m_plic(&plic), m_memory(&memory), m_io(&io) {}

    Bus* m_mmio;
    devices::Plic* m_plic;
    const GuestMemory* m_memory;
    IoThread* m_io;
    std::shared_ptr<pci::PciBus> m_pci;
    std::vector<u32> m_mmio_slots;
    std::vector<std::shared_ptr<virtio::VirtioDevice>> m_devices;
    std::unique_ptr<CharBackend> m_console_backend;
    std::shared_ptr<virtio::VirtioConsole> m_console;
};

} // namespace kite::machine
