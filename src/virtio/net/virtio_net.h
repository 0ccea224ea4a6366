#pragma once

#include "base/error.h"
#include "base/types.h"
#include "event/io_thread.h"
#include "net/mac_address.h"
#include "net/net_backend.h"
#include "virtio/device/virtio_device.h"

#include <array>
#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <span>
#include <vector>

namespace kite::virtio {

// Feature bits of the network device (virtio 1.2, 5.1.3).
namespace net_feature {
constexpr u64 kCsum = 1ull << 0;      // the device takes partial checksums (tx)
constexpr u64 kGuestCsum = 1ull << 1; // the driver takes partial checksums (rx)
constexpr u64 kMtu = 1ull << 3;
constexpr u64 kMac = 1ull << 5;
constexpr u64 kMrgRxbuf = 1ull << 15;
constexpr u64 kStatus = 1ull << 16;
} // namespace net_feature

// struct virtio_net_hdr as VERSION_1 devices use it: num_buffers is always there.
struct VirtioNetHeader {
    static constexpr u8 kFlagNeedsCsum = 1;
    static constexpr u8 kFlagDataValid = 2;
    static constexpr u8 kGsoNone = 0;

    u8 flags;
    u8 gso_type;
    u16 hdr_len;
    u16 gso_size;
    u16 csum_start;
    u16 csum_offset;
    u16 num_buffers;
};
static_assert(sizeof(VirtioNetHeader) == net::kVnetHeaderSize);

struct VirtioNetOptions {
    net::MacAddress mac = net::MacAddress::default_for(0);
    // Offered to the guest (VIRTIO_NET_F_MTU) when non-zero; 68-65535.
    u16 mtu{0};
};

// virtio-net (device ID 1, virtio 1.2 5.1): one receive queue (0) and one
// transmit queue (1), each of 256 entries, in front of a net::NetBackend
// (slirp, tap). Features: MAC, STATUS (link up), MRG_RXBUF, MTU when given, and
// CSUM / GUEST_CSUM when the backend carries vnet headers (tap), whose headers
// then pass through in both directions.
//
// Threading. A transmit kick arrives on a vCPU thread with mutex() held; the
// device only posts a "drain tx" to the IoThread (at most one pending). There,
// the drain pops up to kTxBatch chains under mutex(), copies each frame out,
// pushes the chains used and signals, then drops the lock before handing the
// frames to the backend: a backend may answer inside send() (slirp replies to
// ARP and DHCP at once), and that answer comes back through receive(), which
// takes mutex(). Received frames arrive on the IoThread through the backend's
// callback: under mutex() the device takes as many rx chains as the frame
// needs (several with MRG_RXBUF), writes the header and the frame, pushes them
// used and signals. With too few buffers it keeps the chains it popped, tells
// the backend NoBuffers (which pauses it) and, when the guest next kicks the
// rx queue, posts resume_receive() to the IoThread.
//
// Lifetime. Posted work captures a shared "alive" flag and re-checks the
// device state under mutex() before touching a queue, so a reset between post
// and run is harmless (no generation counter is needed: every queue access
// happens in one critical section). The destructor clears the flag and the
// backend's callback on the IoThread (run_sync), so nothing posted earlier runs
// against a destroyed device. The IoThread must outlive the device.
class VirtioNet final : public VirtioDevice {
public:
    static constexpr u16 kRxQueue = 0;
    static constexpr u16 kTxQueue = 1;
    static constexpr u16 kQueueSize = 256;
    // Transmit chains handled per IoThread turn; more are drained in a new turn.
    static constexpr std::size_t kTxBatch = 64;

    VirtioNet(const GuestMemory& memory, IoThread& io, std::unique_ptr<net::NetBackend> backend,
              VirtioNetOptions options = {});
    ~VirtioNet() override;

    net::NetBackend& backend() { return *m_backend; }
    const net::MacAddress& mac() const { return m_mac; }

    // The link state the driver sees (STATUS); a change notifies it. Call with mutex() held.
    void set_link_up(bool up);
    bool link_up() const { return m_link_up; }

    struct Stats {
        u64 tx_frames;
        u64 tx_bytes;
        u64 tx_dropped; // empty or oversized frames
        u64 tx_errors;  // the backend could not send
        u64 rx_frames;
        u64 rx_bytes;
        u64 rx_dropped;    // the device was not running, the frame was too big, or malformed
        u64 rx_no_buffers; // times the guest had too few buffers (the backend paused)
    };
    Stats stats() const;

protected:
    void process_queue(u16 index) override;
    u64 config_size() const override;
    void read_device_config(u64 offset, std::span<u8> data) override;
    void activate() override;
    void on_reset() override;

private:
    // Identifies one set-up of the rx queue: a queue the driver disabled and
    // set up again must not get chains popped before back.
    struct RxQueueState {
        GuestAddress desc, avail, used;
        u32 size{0};
        u16 next_avail{0};
        bool operator==(const RxQueueState&) const = default;
    };

    struct Counter {
        std::atomic<u64> value{0};
        void add(u64 n = 1) { value.fetch_add(n, std::memory_order_relaxed); }
        u64 get() const { return value.load(std::memory_order_relaxed); }
    };

    // Runs fn on the IoThread unless the device is destroyed by then.
    void post_io(std::function<void()> fn);
    void schedule_tx();     // mutex() held
    void schedule_resume(); // mutex() held

    // IoThread.
    void drain_tx();
    net::RxStatus receive(std::span<const u8> frame);

    // Copies a transmit chain's frame into `out` (with the header for a vnet
    // backend); false when the frame is dropped. Errors are the guest's.
    Result<bool> read_tx(const DescriptorChain& chain, std::vector<u8>& out);
    // Writes [pos, pos + len) of header ++ payload at the start of `chain`.
    Result<void> write_rx(const DescriptorChain& chain, const VirtioNetHeader& header,
                          std::span<const u8> payload, u64 pos, u64 len);
    // Pops one rx chain into m_rx_stash; false when the guest has none available.
    Result<bool> stash_rx_chain();
    RxQueueState rx_queue_state() const;

    IoThread* m_io;
    std::unique_ptr<net::NetBackend> m_backend;
    const bool m_vnet; // the backend's frames carry a vnet header
    const net::MacAddress m_mac;
    const u16 m_mtu;
    std::shared_ptr<bool> m_alive = std::make_shared<bool>(true); // IoThread only

    // Under mutex().
    bool m_link_up{true};
    bool m_tx_posted{false};
    bool m_rx_waiting{false}; // the backend is paused for lack of rx buffers
    bool m_resume_posted{false};
    std::deque<DescriptorChain> m_rx_stash; // popped rx chains not yet used
    RxQueueState m_rx_stash_state;          // the rx queue when the stash was last filled

    // IoThread only.
    std::array<std::vector<u8>, kTxBatch> m_tx_frames;

    Counter m_tx_frames_count, m_tx_bytes, m_tx_dropped, m_tx_errors;
    Counter m_rx_frames_count, m_rx_bytes, m_rx_dropped, m_rx_no_buffers;
};

} // namespace kite::virtio
