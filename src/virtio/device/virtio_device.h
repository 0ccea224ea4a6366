#pragma once

#include "base/error.h"
#include "base/types.h"
#include "memory/guest_memory.h"
#include "virtio/queue/descriptor_chain.h"
#include "virtio/queue/virtio_spec.h"
#include "virtio/queue/virtqueue.h"

#include <atomic>
#include <deque>
#include <functional>
#include <mutex>
#include <span>
#include <string>
#include <string_view>

namespace kite::virtio {

// How a device reaches the driver: implemented by the transport (virtio-mmio's
// InterruptStatus + IrqLine; later PCI's MSI-X vectors or INTx).
class InterruptSink {
public:
    virtual ~InterruptSink() = default;
    // The device added used buffers to queue `queue_index` and the driver wants to know.
    virtual void used_buffer_notification(u16 queue_index) = 0;
    // The device configuration space changed, or the device entered NEEDS_RESET.
    virtual void config_change_notification() = 0;
};

// The transport-independent part of a virtio device (virtio 1.2, 2 and 3):
// feature negotiation, the device status state machine, config space and the
// queues. Device models (rng, later blk/net/console) derive from it and
// implement process_queue(); transports (mmio, later PCI) call the public API.
//
// Locking: one mutex per device, mutex(). The transport holds it around every
// call into the device (each register access), and a device's own I/O thread
// (blk, net) must hold it to touch the queues or raise interrupts. The
// InterruptSink is called with the lock held.
class VirtioDevice {
public:
    virtual ~VirtioDevice() = default;
    VirtioDevice(const VirtioDevice&) = delete;
    VirtioDevice& operator=(const VirtioDevice&) = delete;

    std::mutex& mutex() const { return m_mutex; }

    DeviceId device_id() const { return m_device_id; }
    std::string_view name() const { return m_name; }
    const GuestMemory& memory() const { return *m_memory; }

    // What the device offers: the model's bits plus VERSION_1 (always),
    // INDIRECT_DESC and RING_EVENT_IDX (the queue implements both).
    u64 device_features() const { return m_device_features; }
    u64 driver_features() const { return m_driver_features; }
    // Taken only while the status has DRIVER and not yet FEATURES_OK; returns
    // false (and counts a protocol error) otherwise.
    bool set_driver_features(u64 features);

    u8 status() const { return m_status; }
    // A driver write of the status register. 0 resets the device. Otherwise
    // the bits may only grow, in the order ACKNOWLEDGE, DRIVER, FEATURES_OK,
    // DRIVER_OK (FAILED at any time); other writes are ignored and counted.
    // FEATURES_OK sticks only if the driver's features are a subset of the
    // offered ones and include VERSION_1. NEEDS_RESET is the device's and
    // survives driver writes until reset.
    void set_status(u8 value);
    // Device reset: status 0, features 0, every queue reset.
    void reset();
    bool driver_ok() const { return (m_status & status::kDriverOk) != 0; }
    bool needs_reset() const { return (m_status & status::kNeedsReset) != 0; }

    std::size_t num_queues() const { return m_queues.size(); }
    Virtqueue& queue(std::size_t index) { return m_queues.at(index); }
    const Virtqueue& queue(std::size_t index) const { return m_queues.at(index); }
    // The driver set the queue ready: checks its configuration against the
    // negotiated features. A bad configuration leaves it not ready and puts the
    // device in NEEDS_RESET; returns whether the queue is ready.
    bool enable_queue(u16 index);
    // The driver cleared the queue's ready bit: the queue goes back to its reset state.
    void disable_queue(u16 index);

    // The driver kicked queue `index`. Runs process_queue() when the device is
    // DRIVER_OK, not NEEDS_RESET and the queue is ready; ignored otherwise.
    void notify(u16 index);

    // Device-specific configuration space, at most config_size() bytes. Reads
    // outside it return zeros and writes outside it are dropped (both counted).
    u32 config_generation() const { return m_config_generation; }
    void read_config(u64 offset, std::span<u8> data);
    void write_config(u64 offset, std::span<const u8> data);

    // The transport's interrupt sink; null drops notifications.
    void set_interrupt_sink(InterruptSink* sink) { m_sink = sink; }

    // Guest errors (bad chains, bad queue configurations) and protocol errors
    // (ignored status, feature or config accesses), for tests and statistics.
    u64 device_error_count() const { return m_device_errors.load(std::memory_order_relaxed); }
    u64 protocol_error_count() const { return m_protocol_errors.load(std::memory_order_relaxed); }

protected:
    // `model_features` are the device type's feature bits; `queue_max_sizes`
    // gives each queue's maximum size (powers of two).
    VirtioDevice(DeviceId id, std::string name, u64 model_features, const GuestMemory& memory,
                 std::span<const u16> queue_max_sizes);

    // Serve the available buffers of queue `index` (ready, device DRIVER_OK). Called with the lock held.
    virtual void process_queue(u16 index) = 0;
    // Config space of the device type. read/write get in-range accesses only.
    virtual u64 config_size() const { return 0; }
    virtual void read_device_config(u64 offset, std::span<u8> data);
    virtual void write_device_config(u64 offset, std::span<const u8> data);
    // The device type may refuse a feature combination at FEATURES_OK.
    virtual bool accept_features(u64 features) const;
    // DRIVER_OK was set (queues are configured).
    virtual void activate() {}
    // The device was reset (after the base state is cleared).
    virtual void on_reset() {}

    // Pops every available chain of queue `index` (bounded by 4 x the queue
    // size per call so a guest whose buffers overwrite its own ring cannot hold
    // the thread forever), hands each to `handle`, which returns the number of
    // bytes it wrote into the chain, pushes it used, then raises a used-buffer
    // notification if the driver wants one. A bad chain or a handler error puts
    // the device in NEEDS_RESET. Returns the number of chains served.
    using ChainHandler = std::function<Result<u32>(const DescriptorChain&)>;
    std::size_t serve_queue(u16 index, const ChainHandler& handle);

    // Raises a used-buffer notification for queue `index` if the driver wants one.
    void signal_used(u16 index);
    // The config space changed: bumps the generation and notifies the driver.
    void config_changed();
    // A guest error that leaves the device unusable: counts it, logs it
    // (rate-limited), sets NEEDS_RESET and, if DRIVER_OK, notifies the driver.
    void device_error(const Error& e);
    // A driver access that breaks the protocol and is ignored (counted, rate-limited log).
    void protocol_error(std::string_view what);

private:
    const DeviceId m_device_id;
    const std::string m_name;
    const GuestMemory* m_memory;
    const u64 m_device_features;
    mutable std::mutex m_mutex;

    u8 m_status{0};
    u64 m_driver_features{0};
    u32 m_config_generation{0};
    std::deque<Virtqueue> m_queues; // built in place; references stay valid
    InterruptSink* m_sink{nullptr};
    std::atomic<u64> m_device_errors{0};
    std::atomic<u64> m_protocol_errors{0};
};

} // namespace kite::virtio
