#include "virtio/net/virtio_net.h"

#include "base/log.h"

#include <algorithm>
#include <cstring>

namespace kite::virtio {

namespace {

constexpr u16 kQueueSizes[] = {VirtioNet::kQueueSize, VirtioNet::kQueueSize};
constexpr std::size_t kHeaderSize = sizeof(VirtioNetHeader);
constexpr u16 kStatusLinkUp = 1;
constexpr std::size_t kMaxL2Header = 18; // Ethernet header and one VLAN tag

// The device configuration layout (5.1.4): mac, status, max_virtqueue_pairs, mtu.
struct NetConfig {
    u8 mac[6];
    u16 status;
    u16 max_virtqueue_pairs;
    u16 mtu;
};
static_assert(sizeof(NetConfig) == 12);
constexpr u64 kConfigSizeWithoutMtu = 10;

u16 checked_mtu(u16 mtu) {
    if (mtu != 0 && mtu < 68) {
        log::warn("virtio-net: MTU {} is below 68; not offering one", mtu);
        return 0;
    }
    return mtu;
}

u64 model_features(bool vnet, u16 mtu) {
    u64 f = net_feature::kMac | net_feature::kStatus | net_feature::kMrgRxbuf;
    if (vnet)
        f |= net_feature::kCsum | net_feature::kGuestCsum;
    if (mtu != 0)
        f |= net_feature::kMtu;
    return f;
}

} // namespace

VirtioNet::VirtioNet(const GuestMemory& memory, IoThread& io, std::unique_ptr<net::NetBackend> backend,
                     VirtioNetOptions options)
    : VirtioDevice(DeviceId::Net, "net", model_features(backend->has_vnet_header(), checked_mtu(options.mtu)),
                   memory, kQueueSizes),
      m_io(&io), m_backend(std::move(backend)), m_vnet(m_backend->has_vnet_header()), m_mac(options.mac),
      m_mtu(checked_mtu(options.mtu)) {
    m_io->run_sync([this] {
        m_backend->set_receive_callback([this](std::span<const u8> frame) { return receive(frame); });
    });
}

VirtioNet::~VirtioNet() {
    m_io->run_sync([this] {
        *m_alive = false;
        m_backend->set_receive_callback({});
    });
}

VirtioNet::Stats VirtioNet::stats() const {
    return Stats{m_tx_frames_count.get(), m_tx_bytes.get(), m_tx_dropped.get(), m_tx_errors.get(),
                 m_rx_frames_count.get(), m_rx_bytes.get(), m_rx_dropped.get(), m_rx_no_buffers.get()};
}

void VirtioNet::post_io(std::function<void()> fn) {
    m_io->post([alive = m_alive, fn = std::move(fn)] {
        if (*alive)
            fn();
    });
}

void VirtioNet::set_link_up(bool up) {
    if (m_link_up == up)
        return;
    m_link_up = up;
    config_changed();
}

u64 VirtioNet::config_size() const {
    return m_mtu != 0 ? sizeof(NetConfig) : kConfigSizeWithoutMtu;
}

void VirtioNet::read_device_config(u64 offset, std::span<u8> data) {
    NetConfig config{};
    std::memcpy(config.mac, m_mac.bytes.data(), sizeof(config.mac));
    config.status = m_link_up ? kStatusLinkUp : 0;
    config.max_virtqueue_pairs = 1;
    config.mtu = m_mtu;
    std::memcpy(data.data(), reinterpret_cast<const u8*>(&config) + offset, data.size());
}

void VirtioNet::activate() {
    if (m_vnet && (driver_features() & net_feature::kGuestCsum)) {
        post_io([this] {
            if (auto r = m_backend->set_rx_checksum_offload(true); !r)
                log::warn("virtio-net: {}", r.error().message());
        });
    }
}

void VirtioNet::on_reset() {
    m_rx_stash.clear();
    if (m_vnet)
        post_io([this] { (void)m_backend->set_rx_checksum_offload(false); });
    // Let a paused backend flush what it holds (dropped while the device is down).
    schedule_resume();
}

void VirtioNet::process_queue(u16 index) {
    switch (index) {
    case kRxQueue:
        // New receive buffers: if the backend waits for them, wake it on the IoThread.
        schedule_resume();
        return;
    case kTxQueue:
        schedule_tx();
        return;
    default:
        return;
    }
}

void VirtioNet::schedule_tx() {
    if (m_tx_posted)
        return;
    m_tx_posted = true;
    post_io([this] { drain_tx(); });
}

void VirtioNet::schedule_resume() {
    if (!m_rx_waiting || m_resume_posted)
        return;
    m_resume_posted = true;
    post_io([this] {
        {
            std::lock_guard lock(mutex());
            m_resume_posted = false;
            m_rx_waiting = false;
        }
        // Outside the lock: the backend delivers held frames through receive().
        m_backend->resume_receive();
    });
}

// --- transmit ---

Result<bool> VirtioNet::read_tx(const DescriptorChain& chain, std::vector<u8>& out) {
    if (!chain.writable().empty())
        return error("transmit chain {} has device-writable buffers", chain.head());
    if (chain.readable_len() < kHeaderSize)
        return error("transmit chain {} of {} bytes is shorter than the {}-byte header", chain.head(),
                     chain.readable_len(), kHeaderSize);
    const u64 frame_len = chain.readable_len() - kHeaderSize;
    if (frame_len == 0 || frame_len > net::kMaxFrameSize) {
        u64 count = m_tx_dropped.value.fetch_add(1, std::memory_order_relaxed) + 1;
        if (log::worth_logging(count))
            log::warn("virtio-net: dropping a transmitted frame of {} bytes (limit {}; drop #{})", frame_len,
                      net::kMaxFrameSize, count);
        return false;
    }
    // A vnet backend gets the header too; slirp only the frame.
    const u64 skip = m_vnet ? 0 : kHeaderSize;
    out.resize(chain.readable_len() - skip);
    std::size_t got = TRY(chain.read_at(memory(), skip, out));
    if (got != out.size())
        return error("transmit chain {}: short read", chain.head());
    if (m_vnet) {
        // Only what was negotiated reaches the host: no segmentation offload is
        // offered, and partial checksums only with CSUM.
        VirtioNetHeader header;
        std::memcpy(&header, out.data(), kHeaderSize);
        header.gso_type = VirtioNetHeader::kGsoNone;
        header.num_buffers = 0;
        header.flags &= (driver_features() & net_feature::kCsum) ? VirtioNetHeader::kFlagNeedsCsum : 0;
        std::memcpy(out.data(), &header, kHeaderSize);
    }
    return true;
}

void VirtioNet::drain_tx() {
    std::size_t frames = 0;
    bool more = false;
    {
        std::lock_guard lock(mutex());
        m_tx_posted = false;
        if (!driver_ok() || needs_reset() || !queue(kTxQueue).ready())
            return;
        Virtqueue& q = queue(kTxQueue);
        std::size_t chains = 0;
        while (chains < kTxBatch) {
            auto popped = q.pop();
            if (!popped) {
                device_error(std::move(popped).error().with_context("transmit queue"));
                break;
            }
            if (!*popped)
                break;
            const DescriptorChain& chain = **popped;
            auto keep = read_tx(chain, m_tx_frames[frames]);
            if (!keep) {
                device_error(std::move(keep).error());
                break;
            }
            if (auto r = q.push_used(chain.head(), 0); !r) {
                device_error(std::move(r).error().with_context("transmit queue"));
                break;
            }
            ++chains;
            if (*keep)
                ++frames;
        }
        if (chains > 0)
            signal_used(kTxQueue);
        more = chains == kTxBatch && !needs_reset();
        if (more)
            schedule_tx(); // the rest in a later turn, so other I/O gets served in between
    }
    // The chains are back with the guest; the frames are our copies.
    for (std::size_t i = 0; i < frames; ++i) {
        const std::vector<u8>& frame = m_tx_frames[i];
        iovec iov{const_cast<u8*>(frame.data()), frame.size()};
        if (auto r = m_backend->send(std::span(&iov, 1)); !r) {
            u64 count = m_tx_errors.value.fetch_add(1, std::memory_order_relaxed) + 1;
            if (log::worth_logging(count))
                log::warn("virtio-net: {} (send error #{})", r.error().message(), count);
            continue;
        }
        m_tx_frames_count.add();
        m_tx_bytes.add(frame.size() - (m_vnet ? kHeaderSize : 0));
    }
}

// --- receive ---

VirtioNet::RxQueueState VirtioNet::rx_queue_state() const {
    const Virtqueue& q = queue(kRxQueue);
    return RxQueueState{q.desc_addr(), q.driver_addr(), q.device_addr(), q.size(), q.next_avail()};
}

Result<bool> VirtioNet::stash_rx_chain() {
    auto popped = queue(kRxQueue).pop();
    m_rx_stash_state = rx_queue_state();
    if (!popped)
        return std::unexpected(std::move(popped).error());
    if (!*popped)
        return false;
    DescriptorChain& chain = **popped;
    if (!chain.readable().empty())
        return error("receive chain {} has device-readable buffers", chain.head());
    if (chain.writable_len() < kHeaderSize)
        return error("receive chain {} of {} bytes cannot hold the {}-byte header", chain.head(),
                     chain.writable_len(), kHeaderSize);
    m_rx_stash.push_back(std::move(chain));
    return true;
}

Result<void> VirtioNet::write_rx(const DescriptorChain& chain, const VirtioNetHeader& header,
                                 std::span<const u8> payload, u64 pos, u64 len) {
    const auto header_bytes = std::span(reinterpret_cast<const u8*>(&header), kHeaderSize);
    u64 done = 0;
    while (done < len) {
        const u64 at = pos + done;
        std::span<const u8> piece =
            at < kHeaderSize ? header_bytes.subspan(at) : payload.subspan(at - kHeaderSize);
        piece = piece.first(std::min<u64>(piece.size(), len - done));
        std::size_t wrote = TRY(chain.write_at(memory(), done, piece));
        if (wrote != piece.size())
            return error("receive chain {}: short write", chain.head());
        done += piece.size();
    }
    return {};
}

net::RxStatus VirtioNet::receive(std::span<const u8> frame) {
    std::lock_guard lock(mutex());
    VirtioNetHeader header{};
    std::span<const u8> payload = frame;
    if (m_vnet) {
        if (frame.size() <= kHeaderSize) {
            m_rx_dropped.add();
            return net::RxStatus::Accepted;
        }
        std::memcpy(&header, frame.data(), kHeaderSize);
        payload = frame.subspan(kHeaderSize);
        const bool guest_csum = (driver_features() & net_feature::kGuestCsum) != 0;
        // Without GUEST_CSUM the flags must be zero; a partial checksum then
        // cannot be delivered (only possible while offloads are being switched).
        // No receive segmentation offload is negotiated, so GSO frames are not either.
        if (header.gso_type != VirtioNetHeader::kGsoNone ||
            (!guest_csum && (header.flags & VirtioNetHeader::kFlagNeedsCsum))) {
            m_rx_dropped.add();
            return net::RxStatus::Accepted;
        }
        header.flags &= guest_csum ? (VirtioNetHeader::kFlagNeedsCsum | VirtioNetHeader::kFlagDataValid) : 0;
    }
    if (payload.size() > net::kMaxFrameSize || payload.empty() || !driver_ok() || needs_reset() ||
        !queue(kRxQueue).ready()) {
        m_rx_dropped.add();
        return net::RxStatus::Accepted;
    }

    // The device MUST NOT pass frames larger than the MTU it offered (5.1.6.3.2).
    if ((driver_features() & net_feature::kMtu) && payload.size() > std::size_t{m_mtu} + kMaxL2Header) {
        m_rx_dropped.add();
        return net::RxStatus::Accepted;
    }
    if (!m_rx_stash.empty() && m_rx_stash_state != rx_queue_state())
        m_rx_stash.clear(); // chains of a queue the driver has since set up again

    // Gather enough buffers: one chain, or as many as the frame needs with MRG_RXBUF.
    const bool mergeable = (driver_features() & net_feature::kMrgRxbuf) != 0;
    const u64 total = kHeaderSize + payload.size();
    std::size_t chains = 0;
    u64 capacity = 0;
    while (capacity < total && (mergeable || chains == 0)) {
        if (chains == m_rx_stash.size()) {
            auto got = stash_rx_chain();
            if (!got) {
                device_error(std::move(got).error().with_context("receive queue"));
                return net::RxStatus::Accepted;
            }
            if (!*got)
                break;
        }
        capacity += m_rx_stash[chains].writable_len();
        ++chains;
    }
    if (capacity < total) {
        const bool never_fits = mergeable ? m_rx_stash.size() >= queue(kRxQueue).size() : chains == 1;
        if (never_fits) {
            // Without MRG_RXBUF each buffer must hold a whole frame: drop the frame, keep the buffer.
            u64 count = m_rx_dropped.value.fetch_add(1, std::memory_order_relaxed) + 1;
            if (log::worth_logging(count))
                log::warn(
                    "virtio-net: received frame of {} bytes does not fit the guest's buffers ({} bytes)",
                    payload.size(), capacity);
            return net::RxStatus::Accepted;
        }
        m_rx_waiting = true;
        m_rx_no_buffers.add();
        return net::RxStatus::NoBuffers;
    }

    header.num_buffers = static_cast<u16>(chains);
    u64 pos = 0;
    Virtqueue& q = queue(kRxQueue);
    std::vector<VirtqUsedElem> used;
    used.reserve(chains);
    for (std::size_t i = 0; i < chains; ++i) {
        const DescriptorChain& chain = m_rx_stash[i];
        const u64 len = std::min<u64>(total - pos, chain.writable_len());
        if (auto r = write_rx(chain, header, payload, pos, len); !r) {
            device_error(std::move(r).error().with_context("receive queue"));
            return net::RxStatus::Accepted;
        }
        used.push_back(VirtqUsedElem{chain.head(), static_cast<u32>(len)});
        pos += len;
    }
    // One publish for the whole frame: the driver never sees part of it.
    if (auto r = q.push_used_batch(used); !r) {
        device_error(std::move(r).error().with_context("receive queue"));
        return net::RxStatus::Accepted;
    }
    m_rx_stash.erase(m_rx_stash.begin(), m_rx_stash.begin() + static_cast<std::ptrdiff_t>(chains));
    signal_used(kRxQueue);
    m_rx_frames_count.add();
    m_rx_bytes.add(payload.size());
    return net::RxStatus::Accepted;
}

} // namespace kite::virtio
