// libFuzzer target: PCI as a hostile guest programs it. A PCI bus with the
// host bridge and two virtio-pci functions (virtio-rng and virtio-console) sits
// behind the virt board's ECAM window, its 32-bit memory window and its I/O
// window; the input is a sequence of accesses to those windows (config space,
// BAR sizing and placement, the command register, the virtio capabilities and
// the common configuration, device config, ISR and notifications) with guest
// RAM, where the queues live, under the input's control as well. Host events
// feed console input. Every input must end in bounded time without a crash or
// a sanitizer report.

#include "event/event_loop.h"
#include "fuzz_bus.h"
#include "machine/riscv_virt/virt_layout.h"
#include "memory/guest_memory.h"
#include "pci/bar_window.h"
#include "pci/ecam_host.h"
#include "pci/pci_bus.h"
#include "virtio/console/virtio_console.h"
#include "virtio/pci/virtio_pci.h"
#include "virtio/rng/virtio_rng.h"

#include <cstdint>
#include <cstdlib>

namespace {

using namespace kite;
using namespace kite::machine::virt; // the board's addresses

constexpr u64 kRamSize = 64 * KiB;
constexpr u32 kMaxSteps = 2048;

// Accesses go to the bus's first three slots in ECAM, the start of the memory
// window (where a guest puts the BARs) and the I/O window.
constexpr std::array kWindows{
    fuzz::Window{kPciEcamBase, 3 << 15},
    fuzz::Window{kPciMmioBase, 0x1'0000},
    fuzz::Window{kPciIoBase, kPciIoSize},
    fuzz::Window{kPciMmioBase, kPciMmioSize},
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const GuestMemory memory = fuzz::one_region(GuestAddress(kRamBase), kRamSize);
    std::span<const u8> accesses = fuzz::load_ram_take_accesses(memory, GuestAddress(kRamBase), kRamSize,
                                                                std::span<const u8>(data, size));

    auto loop = EventLoop::create();
    if (!loop)
        std::abort();
    auto irq = std::make_shared<RecordingIrqLine>();
    auto pci = std::make_shared<pci::PciBus>([irq](u8, u8) { return irq; });
    auto console = std::make_shared<virtio::VirtioConsole>(memory, *loop, [](std::span<const u8>) {});
    auto rng = std::make_shared<virtio::VirtioRng>(memory, fuzz::fixed_entropy);
    if (!pci->add_device(std::make_shared<virtio::VirtioPci>(rng)) ||
        !pci->add_device(std::make_shared<virtio::VirtioPci>(console)))
        std::abort();

    Bus bus{"fuzz"};
    auto mmio_window = std::make_shared<pci::PciBarWindow>(pci, pci::PciSpace::Memory, kPciMmioBase);
    if (!bus.insert(kPciEcamBase, pci::EcamHost::window_size(1), std::make_shared<pci::EcamHost>(pci),
                    "ecam") ||
        !bus.insert(kPciMmioBase, kPciMmioSize, mmio_window, "pci-mmio") ||
        !bus.insert(kPciIoBase, kPciIoSize, std::make_shared<pci::PciBarWindow>(pci, pci::PciSpace::Io, 0),
                    "pci-io"))
        std::abort();

    fuzz::drive_bus(bus, kWindows, accesses, kMaxSteps, [&](u8 selector, std::span<const u8>& in) {
        const std::size_t n = std::min<std::size_t>(selector, in.size());
        console->receive(in.first(n));
        in = in.subspan(n);
    });
    return 0;
}
