// libFuzzer target: virtio-net transmit and receive as a hostile guest and a
// hostile network drive them. The device sits behind a virtio-mmio window in
// front of a fake backend (with or without vnet headers, so checksum offload is
// offered or not); the input is a sequence of accesses to the window (feature
// negotiation including MRG_RXBUF, queue set-up, notifications, resets) with
// guest RAM, where the rings, headers and buffers live, under its control too.
// Host events hand the device received frames of the length they choose (the
// backend's receive callback, on the I/O thread, as tap and slirp call it) or
// let the backend refuse them for a while. Every input must end in bounded
// time without a crash or a sanitizer report, and no sent frame may be empty
// or longer than the largest frame.

#include "event/io_thread.h"
#include "fuzz_bus.h"
#include "machine/riscv_virt/virt_layout.h"
#include "memory/guest_memory.h"
#include "net/net_backend.h"
#include "virtio/mmio/virtio_mmio.h"
#include "virtio/net/virtio_net.h"

#include <cstdint>
#include <cstdlib>
#include <vector>

namespace {

using namespace kite;
using namespace kite::machine::virt; // the board's addresses

constexpr u64 kRamSize = 128 * KiB;
constexpr u32 kMaxSteps = 1024;

constexpr std::array kWindows{fuzz::Window{kVirtioBase, virtio::VirtioMmio::kLength}};

IoThread& io_thread() {
    static std::unique_ptr<IoThread> io = [] {
        auto started = IoThread::start("fuzz-io");
        if (!started)
            std::abort();
        return std::move(*started);
    }();
    return *io;
}

// A network that takes every frame the guest sends and delivers what the
// fuzzer says, through the callback the device installs.
class FakeBackend final : public net::NetBackend {
public:
    explicit FakeBackend(bool vnet_header) : m_vnet_header(vnet_header) {}
    std::string_view kind() const override { return "fuzz"; }
    bool has_vnet_header() const override { return m_vnet_header; }
    void set_receive_callback(ReceiveCallback callback) override { m_callback = std::move(callback); }
    Result<void> send(std::span<const iovec> frame) override {
        std::size_t length = 0;
        for (const iovec& v : frame)
            length += v.iov_len;
        if (length == 0 || length > net::kMaxFrameSize + (m_vnet_header ? net::kVnetHeaderSize : 0))
            std::abort();
        return {};
    }
    void resume_receive() override { m_paused = false; }
    bool receive_paused() const override { return m_paused; }

    // On the I/O thread, as a real backend delivers.
    void deliver(std::span<const u8> frame) {
        if (m_callback && !m_paused && m_callback(frame) == net::RxStatus::NoBuffers)
            m_paused = true;
    }

private:
    bool m_vnet_header;
    bool m_paused{false};
    ReceiveCallback m_callback;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const GuestMemory memory = fuzz::one_region(GuestAddress(kRamBase), kRamSize);
    IoThread& io = io_thread();
    std::span<const u8> accesses = fuzz::load_ram_take_accesses(memory, GuestAddress(kRamBase), kRamSize,
                                                                std::span<const u8>(data, size));
    const bool vnet_header = !accesses.empty() && (fuzz::take<u8>(accesses) & 1);

    auto backend = std::make_unique<FakeBackend>(vnet_header);
    FakeBackend* network = backend.get();
    virtio::VirtioNetOptions options;
    options.mtu = 1500;
    auto net = std::make_shared<virtio::VirtioNet>(memory, io, std::move(backend), options);
    Bus bus{"fuzz"};
    if (!bus.insert(kVirtioBase, virtio::VirtioMmio::kLength,
                    std::make_shared<virtio::VirtioMmio>(net, std::make_shared<RecordingIrqLine>()),
                    "virtio-net"))
        std::abort();

    // Frames are copied out of the input: the I/O thread runs them after this step.
    fuzz::drive_bus(bus, kWindows, accesses, kMaxSteps, [&](u8 selector, std::span<const u8>& in) {
        if (selector == 0xFF) {
            io.run_sync([] {}); // let the transmit drain and posted work run
            return;
        }
        const std::size_t n =
            std::min<std::size_t>(fuzz::take<u16>(in) % (net::kMaxFrameSize + 64), in.size());
        std::vector<u8> frame(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(n));
        in = in.subspan(n);
        io.run_sync([&] { network->deliver(frame); });
    });
    io.run_sync([] {});
    return 0;
}
