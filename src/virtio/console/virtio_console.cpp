#include "virtio/console/virtio_console.h"

#include "base/log.h"

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstring>

namespace kite::virtio {

namespace {

constexpr u16 kQueueSizes[] = {VirtioConsole::kQueueSize, VirtioConsole::kQueueSize};

u64 model_features(bool size_offered) {
    return VirtioConsole::kFeatureEmergWrite | (size_offered ? VirtioConsole::kFeatureSize : 0);
}

} // namespace

VirtioConsole::VirtioConsole(const GuestMemory& memory, EventLoop& loop, OutputSink output,
                             std::optional<WindowSize> size)
    : VirtioDevice(DeviceId::Console, "console", model_features(size.has_value()), memory, kQueueSizes),
      m_loop(&loop), m_output(std::make_shared<Output>(std::move(output))), m_size_offered(size.has_value()),
      m_size(size.value_or(WindowSize{})) {
    m_output->owner = this;
}

VirtioConsole::~VirtioConsole() {
    std::vector<u8> rest;
    {
        std::unique_lock lock(m_output->mutex);
        m_output->closed = true;
        m_output->idle.wait(lock, [this] { return !m_output->delivering; });
        rest.swap(m_output->pending);
    }
    if (!rest.empty())
        m_output->sink(rest);
}

// ---- output: transmitq and emergency writes ----

void VirtioConsole::post_delivery_locked() {
    if (m_output->delivery_posted || m_output->pending.empty())
        return;
    m_output->delivery_posted = true;
    m_loop->post([out = m_output] { deliver(out); });
}

// Runs on the loop's thread. Takes the pending bytes, hands them to the sink
// without any lock, then restarts the transmitq if it stopped on a full buffer.
void VirtioConsole::deliver(const std::shared_ptr<Output>& out) {
    std::vector<u8> batch;
    {
        std::lock_guard lock(out->mutex);
        out->delivery_posted = false;
        if (out->closed)
            return;
        batch.swap(out->pending);
        out->delivering = true;
    }
    if (!batch.empty())
        out->sink(batch);
    VirtioConsole* resume = nullptr;
    {
        std::lock_guard lock(out->mutex);
        if (out->tx_throttled && !out->closed) {
            out->tx_throttled = false;
            resume = out->owner; // alive: the destructor waits while `delivering`
        } else {
            out->delivering = false;
            out->idle.notify_all();
            return;
        }
    }
    {
        std::lock_guard device_lock(resume->mutex());
        resume->notify(kTransmitQueue);
    }
    std::lock_guard lock(out->mutex);
    out->delivering = false;
    out->idle.notify_all();
}

void VirtioConsole::serve_transmit() {
    Virtqueue& q = queue(kTransmitQueue);
    // Bounded like serve_queue(): a guest that keeps refilling the ring cannot hold the vCPU here.
    const std::size_t limit = 4 * std::size_t{q.size()};
    std::size_t served = 0;
    while (served < limit) {
        {
            std::lock_guard lock(m_output->mutex);
            if (m_output->pending.size() >= kMaxPendingOutput) {
                m_output->tx_throttled = true; // deliver() comes back for the rest
                break;
            }
        }
        auto popped = q.pop();
        if (!popped) {
            device_error(std::move(popped).error().with_context("transmitq"));
            break;
        }
        if (!*popped)
            break;
        const DescriptorChain& chain = **popped;
        if (auto r = take_output(chain); !r) {
            device_error(std::move(r).error().with_context("transmitq"));
            break;
        }
        if (auto r = q.push_used(chain.head(), 0); !r) {
            device_error(std::move(r).error().with_context("transmitq"));
            break;
        }
        ++served;
    }
    if (served > 0)
        signal_used(kTransmitQueue);
}

Result<void> VirtioConsole::take_output(const DescriptorChain& chain) {
    if (!chain.writable().empty())
        return error("chain {} has device-writable buffers", chain.head());
    const u32 len = std::min(chain.readable_len(), kMaxOutputPerChain);
    if (u32 cut = chain.readable_len() - len; cut > 0) {
        m_output_dropped.fetch_add(cut, std::memory_order_relaxed);
        if (std::has_single_bit(++m_drop_events))
            log::warn("virtio-console: dropped {} bytes of a {}-byte output buffer (drop #{})", cut,
                      chain.readable_len(), m_drop_events);
    }
    if (len == 0)
        return {};
    std::lock_guard lock(m_output->mutex);
    std::vector<u8>& pending = m_output->pending;
    const std::size_t old = pending.size();
    pending.resize(old + len);
    auto copied = chain.read_at(memory(), 0, std::span(pending.data() + old, len));
    if (!copied) {
        pending.resize(old);
        return std::unexpected(std::move(copied).error());
    }
    pending.resize(old + *copied);
    m_output_bytes.fetch_add(*copied, std::memory_order_relaxed);
    post_delivery_locked();
    return {};
}

void VirtioConsole::emergency_write(u8 byte) {
    std::lock_guard lock(m_output->mutex);
    if (m_output->pending.size() >= kMaxPendingOutput) {
        m_output_dropped.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    m_output->pending.push_back(byte);
    m_output_bytes.fetch_add(1, std::memory_order_relaxed);
    post_delivery_locked();
}

// ---- input: receiveq ----

bool VirtioConsole::receive_ready() const {
    return driver_ok() && !needs_reset() && queue(kReceiveQueue).ready();
}

void VirtioConsole::receive(std::span<const u8> data) {
    if (data.empty())
        return;
    std::lock_guard lock(mutex());
    std::size_t consumed = 0;
    // Older input goes first: only bypass the backlog when it is empty.
    if (m_input_backlog.empty() && receive_ready())
        consumed = fill_receive_buffers(data);
    backlog_input(data.subspan(consumed));
}

std::size_t VirtioConsole::fill_receive_buffers(std::span<const u8> data) {
    Virtqueue& q = queue(kReceiveQueue);
    const std::size_t limit = 4 * std::size_t{q.size()};
    std::size_t consumed = 0;
    std::size_t served = 0;
    while (consumed < data.size() && served < limit) {
        auto popped = q.pop();
        if (!popped) {
            device_error(std::move(popped).error().with_context("receiveq"));
            break;
        }
        if (!*popped)
            break; // no buffers: with EVENT_IDX, pop() asked the driver to kick when it adds some
        const DescriptorChain& chain = **popped;
        if (!chain.readable().empty()) {
            device_error(Error::format("receiveq: chain {} has device-readable buffers", chain.head()));
            break;
        }
        auto written = chain.write_at(memory(), 0, data.subspan(consumed));
        if (!written) {
            device_error(std::move(written).error().with_context("receiveq"));
            break;
        }
        if (auto r = q.push_used(chain.head(), static_cast<u32>(*written)); !r) {
            device_error(std::move(r).error().with_context("receiveq"));
            break;
        }
        consumed += *written;
        ++served;
    }
    if (served > 0)
        signal_used(kReceiveQueue);
    m_input_bytes.fetch_add(consumed, std::memory_order_relaxed);
    return consumed;
}

void VirtioConsole::backlog_input(std::span<const u8> data) {
    const std::size_t room = kMaxInputBacklog - m_input_backlog.size();
    const std::size_t kept = std::min(room, data.size());
    m_input_backlog.insert(m_input_backlog.end(), data.begin(),
                           data.begin() + static_cast<std::ptrdiff_t>(kept));
    if (const std::size_t dropped = data.size() - kept; dropped > 0) {
        m_input_dropped.fetch_add(dropped, std::memory_order_relaxed);
        if (std::has_single_bit(++m_drop_events))
            log::warn("virtio-console: guest is not reading input; dropped {} bytes (drop #{})", dropped,
                      m_drop_events);
    }
}

// ---- VirtioDevice hooks ----

void VirtioConsole::process_queue(u16 index) {
    switch (index) {
    case kReceiveQueue:
        if (!m_input_backlog.empty()) {
            std::size_t n = fill_receive_buffers(m_input_backlog);
            m_input_backlog.erase(m_input_backlog.begin(),
                                  m_input_backlog.begin() + static_cast<std::ptrdiff_t>(n));
        }
        return;
    case kTransmitQueue:
        serve_transmit();
        return;
    default:
        return; // the base only notifies queues that exist
    }
}

void VirtioConsole::read_device_config(u64 offset, std::span<u8> data) {
    VirtioConsoleConfig config{};
    if (m_size_offered) {
        config.cols = m_size.cols;
        config.rows = m_size.rows;
    }
    config.max_nr_ports = 1; // meaningful only with MULTIPORT, which is not offered
    std::memcpy(data.data(), reinterpret_cast<const u8*>(&config) + offset, data.size());
}

void VirtioConsole::write_device_config(u64 offset, std::span<const u8> data) {
    // emerg_wr takes any access width; its low byte is the character.
    if (offset == offsetof(VirtioConsoleConfig, emerg_wr) && !data.empty()) {
        emergency_write(data[0]);
        return;
    }
    protocol_error("write to a read-only console config field");
}

void VirtioConsole::set_window_size(WindowSize size) {
    std::lock_guard lock(mutex());
    if (!m_size_offered || (size.cols == m_size.cols && size.rows == m_size.rows))
        return;
    m_size = size;
    config_changed();
}

void VirtioConsole::on_reset() {
    // Input meant for the previous driver instance is stale. Output already
    // taken from the guest is still delivered.
    m_input_backlog.clear();
    std::lock_guard lock(m_output->mutex);
    m_output->tx_throttled = false;
}

} // namespace kite::virtio
