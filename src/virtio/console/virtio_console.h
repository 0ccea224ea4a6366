#pragma once

#include "base/types.h"
#include "event/event_loop.h"
#include "virtio/device/virtio_device.h"

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

namespace kite::virtio {

// The console's config space (virtio 1.2, 5.3.4), little-endian, packed.
struct VirtioConsoleConfig {
    u16 cols;
    u16 rows;
    u32 max_nr_ports;
    u32 emerg_wr;
};
static_assert(sizeof(VirtioConsoleConfig) == 12);

// virtio-console (device ID 3, virtio 1.2 5.3) with one port and no
// MULTIPORT: queue 0 (receiveq) carries host input to the guest in
// device-writable buffers, queue 1 (transmitq) carries guest output in
// device-readable ones. EMERG_WRITE is always offered: a write to emerg_wr
// outputs its low byte, at any time (the spec lets early code use it before
// negotiating anything). CONSOLE_SIZE is offered only when a window size is
// given. A chain with the wrong direction on either queue puts the device in
// NEEDS_RESET.
//
// Input: receive() (any thread) takes mutex() and copies into the guest's
// receive buffers; what does not fit waits in a backlog of kMaxInputBacklog
// bytes (beyond that input is dropped and counted) until the guest makes
// buffers available and kicks the receiveq. Reset discards the backlog.
//
// Output: the transmitq kick runs on a vCPU thread under the device lock.
// There the device only copies the bytes out of the guest's buffers into a
// host-side buffer and hands the chains back; the output callback is called
// later on `loop`'s thread (the I/O thread), without the device lock, so a slow
// host sink never stalls a vCPU. When more than kMaxPendingOutput bytes wait
// for the callback the device stops taking transmit buffers and resumes once
// the callback has caught up, so a flooding guest is throttled by its own ring
// rather than by host memory (Linux's hvc driver waits for each transmit
// buffer to come back, so it simply waits). Output keeps its order (emergency writes
// included). The callback should still be quick: the I/O thread serves other
// devices too.
class VirtioConsole final : public VirtioDevice {
public:
    static constexpr u16 kQueueSize = 128;
    static constexpr u16 kReceiveQueue = 0;
    static constexpr u16 kTransmitQueue = 1;

    // Feature bits (virtio 1.2, 5.3.3).
    static constexpr u64 kFeatureSize = 1ull << 0;
    static constexpr u64 kFeatureMultiport = 1ull << 1;
    static constexpr u64 kFeatureEmergWrite = 1ull << 2;

    // Host input waiting for guest buffers; more is dropped (counted).
    static constexpr std::size_t kMaxInputBacklog = 64 * KiB;
    // Guest output waiting for the callback before the transmitq is throttled.
    static constexpr std::size_t kMaxPendingOutput = 256 * KiB;
    // The most bytes taken from one transmit chain; the rest is dropped (counted).
    // Linux writes at most a few pages per buffer.
    static constexpr u32 kMaxOutputPerChain = 64 * KiB;

    struct WindowSize {
        u16 cols;
        u16 rows;
    };

    // Guest output, in order, on the event loop's thread (or in the destructor).
    using OutputSink = std::function<void(std::span<const u8>)>;

    // `loop` (the I/O thread's) runs output deliveries; it and `output` must
    // outlive the device. `size`, if given, is offered through CONSOLE_SIZE.
    VirtioConsole(const GuestMemory& memory, EventLoop& loop, OutputSink output,
                  std::optional<WindowSize> size = std::nullopt);
    // Waits for a delivery in progress, then hands output still pending to the
    // callback on the calling thread (the guest's last words are not lost).
    ~VirtioConsole() override;

    // Host input for the guest. Any thread; takes mutex() (do not hold it).
    void receive(std::span<const u8> data);

    // A new host window size: updates cols/rows and notifies the driver of a
    // config change. Ignored when the device was built without a size. Any
    // thread; takes mutex().
    void set_window_size(WindowSize size);

    // Statistics (any thread).
    u64 input_bytes() const { return m_input_bytes.load(std::memory_order_relaxed); }     // to the guest
    u64 input_dropped() const { return m_input_dropped.load(std::memory_order_relaxed); } // backlog full
    u64 output_bytes() const { return m_output_bytes.load(std::memory_order_relaxed); }   // from the guest
    u64 output_dropped() const { return m_output_dropped.load(std::memory_order_relaxed); }
    // Bytes waiting for receive buffers (under mutex()).
    std::size_t input_backlog() const { return m_input_backlog.size(); }

protected:
    void process_queue(u16 index) override;
    u64 config_size() const override { return sizeof(VirtioConsoleConfig); }
    void read_device_config(u64 offset, std::span<u8> data) override;
    void write_device_config(u64 offset, std::span<const u8> data) override;
    void on_reset() override;

private:
    // Output shared with delivery tasks posted to the loop, which may run
    // after the device is gone (they then do nothing). Lock order: the device
    // mutex, then this one.
    struct Output {
        explicit Output(OutputSink s) : sink(std::move(s)) {}
        OutputSink sink;
        std::mutex mutex;
        std::condition_variable idle; // `delivering` went false
        std::vector<u8> pending;      // copied from the guest, not yet delivered
        bool delivery_posted{false};
        bool delivering{false};
        bool tx_throttled{false};      // the transmitq stopped because `pending` was full
        bool closed{false};            // the device is being destroyed
        VirtioConsole* owner{nullptr}; // valid while !closed or delivering
    };

    static void deliver(const std::shared_ptr<Output>& out);
    // Called with out->mutex held: makes sure a delivery will run.
    void post_delivery_locked();

    void serve_transmit();
    Result<void> take_output(const DescriptorChain& chain);
    void emergency_write(u8 byte);

    bool receive_ready() const;
    // Copies from the front of `data` into receive buffers until either runs
    // out; returns the bytes consumed (device lock held).
    std::size_t fill_receive_buffers(std::span<const u8> data);
    void backlog_input(std::span<const u8> data);

    EventLoop* m_loop;
    std::shared_ptr<Output> m_output;
    const bool m_size_offered;
    WindowSize m_size{};
    std::vector<u8> m_input_backlog; // oldest first
    std::atomic<u64> m_input_bytes{0};
    std::atomic<u64> m_input_dropped{0};
    std::atomic<u64> m_output_bytes{0};
    std::atomic<u64> m_output_dropped{0};
    u64 m_drop_events{0}; // rate-limits the drop warnings
};

} // namespace kite::virtio
