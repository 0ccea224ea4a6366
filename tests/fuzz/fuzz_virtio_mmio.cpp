// libFuzzer target: the virtio-mmio register file and virtio-console behind
// it, as a hostile guest driver programs them. Two virtio-mmio slots (a
// virtio-console and a virtio-rng) sit where the virt board puts them; the
// input is a sequence of accesses to both windows (feature negotiation, the
// status state machine, queue set-up, notifications, interrupt acknowledge,
// config space, emergency writes) with guest RAM, where the queues live, under
// the input's control too. Host events feed console input of the length they
// choose, so receive buffers fill and the backlog is exercised. Every input
// must end in bounded time without a crash or a sanitizer report.

#include "event/event_loop.h"
#include "fuzz_bus.h"
#include "machine/riscv_virt/virt_layout.h"
#include "memory/guest_memory.h"
#include "virtio/console/virtio_console.h"
#include "virtio/mmio/virtio_mmio.h"
#include "virtio/rng/virtio_rng.h"

#include <cstdint>
#include <cstdlib>

namespace {

using namespace kite;
using namespace kite::machine::virt; // the board's addresses

constexpr u64 kRamSize = 64 * KiB;
constexpr u32 kMaxSteps = 2048;

constexpr std::array kWindows{
    fuzz::Window{kVirtioBase, virtio::VirtioMmio::kLength},
    fuzz::Window{kVirtioBase + kVirtioStride, virtio::VirtioMmio::kLength},
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const GuestMemory memory = fuzz::one_region(GuestAddress(kRamBase), kRamSize);
    std::span<const u8> accesses = fuzz::load_ram_take_accesses(memory, GuestAddress(kRamBase), kRamSize,
                                                                std::span<const u8>(data, size));

    auto loop = EventLoop::create();
    if (!loop)
        std::abort();
    u64 output_bytes = 0;
    auto console = std::make_shared<virtio::VirtioConsole>(
        memory, *loop, [&output_bytes](std::span<const u8> bytes) { output_bytes += bytes.size(); });
    Bus bus{"fuzz"};
    auto rng = std::make_shared<virtio::VirtioRng>(memory, fuzz::fixed_entropy);
    auto irq = std::make_shared<RecordingIrqLine>();
    if (!bus.insert(kWindows[0].base, kWindows[0].size, std::make_shared<virtio::VirtioMmio>(console, irq),
                    "virtio-console") ||
        !bus.insert(kWindows[1].base, kWindows[1].size, std::make_shared<virtio::VirtioMmio>(rng, irq),
                    "virtio-rng"))
        std::abort();

    fuzz::drive_bus(bus, kWindows, accesses, kMaxSteps, [&](u8 selector, std::span<const u8>& in) {
        if (selector == 0xFF) {
            // The I/O thread's turn: deliver console output waiting for it.
            (void)loop->run_once(0);
            return;
        }
        const std::size_t n = std::min<std::size_t>(selector, in.size());
        console->receive(in.first(n));
        in = in.subspan(n);
    });
    return 0;
}
