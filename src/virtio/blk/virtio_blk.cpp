#include "virtio/blk/virtio_blk.h"

#include "base/log.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace kite::virtio {

namespace {

constexpr u16 kQueueSizes[] = {VirtioBlk::kQueueSize};

constexpr u64 kModelFeatures = VirtioBlk::kFeatureSegMax | VirtioBlk::kFeatureBlkSize |
                               VirtioBlk::kFeatureFlush | VirtioBlk::kFeatureTopology |
                               VirtioBlk::kFeatureDiscard | VirtioBlk::kFeatureWriteZeroes;

const char* op_name(block::IoOp op) {
    switch (op) {
    case block::IoOp::Read:
        return "read";
    case block::IoOp::Write:
        return "write";
    case block::IoOp::Flush:
        return "flush";
    case block::IoOp::Discard:
        return "discard";
    case block::IoOp::WriteZeroes:
        return "write-zeroes";
    }
    return "?";
}

} // namespace

// A request handed to the engine: where its answer goes and, for
// discard/write-zeroes split into several operations, how many are still out.
// Touched only under the device lock.
struct VirtioBlk::Pending {
    u16 queue{0};
    u16 head{0};
    GuestAddress status_addr;
    u32 used_len{0};
    u64 generation{0};
    u32 parts_left{0};
    u8 status{blk::kStatusOk};
};

Result<std::shared_ptr<VirtioBlk>> VirtioBlk::create(const GuestMemory& memory, IoThread& io,
                                                     block::DiskImage image, std::string serial,
                                                     block::IoEngine::Backend backend) {
    auto engine = TRY_CONTEXT(block::IoEngine::create(io, image.fd(), backend, kQueueSize),
                              fmt::format("virtio-blk {}", image.path()));
    return std::shared_ptr<VirtioBlk>(
        new VirtioBlk(memory, std::move(image), std::move(engine), std::move(serial)));
}

Result<std::shared_ptr<VirtioBlk>> VirtioBlk::open(const GuestMemory& memory, IoThread& io,
                                                   const std::string& path, bool readonly,
                                                   std::string serial) {
    auto image = TRY(block::DiskImage::open(path, readonly));
    return create(memory, io, std::move(image), std::move(serial));
}

VirtioBlk::VirtioBlk(const GuestMemory& memory, block::DiskImage image,
                     std::unique_ptr<block::IoEngine> engine, std::string serial)
    : VirtioDevice(DeviceId::Block, "blk", kModelFeatures | (image.readonly() ? kFeatureRo : 0), memory,
                   kQueueSizes),
      m_image(std::move(image)), m_engine(std::move(engine)), m_serial(std::move(serial)) {
    if (m_serial.size() > blk::kIdBytes)
        log::warn("virtio-blk {}: serial '{}' is longer than {} bytes; the guest sees the first {}",
                  m_image.path(), m_serial, blk::kIdBytes, blk::kIdBytes);
}

VirtioBlk::~VirtioBlk() {
    {
        std::lock_guard lock(mutex());
        ++m_generation; // completions still due are dropped
        m_closing = true;
    }
    // Waits for every callback; they take mutex(), which this thread must not hold.
    m_engine.reset();
}

blk::BlkLimits VirtioBlk::limits() const {
    const u64 features = driver_features();
    return blk::BlkLimits{
        .capacity_sectors = m_image.sectors(),
        .readonly = m_image.readonly(),
        .discard = (features & kFeatureDiscard) != 0,
        .write_zeroes = (features & kFeatureWriteZeroes) != 0,
        .max_discard_sectors = kMaxDiscardSectors,
        .max_discard_segments = kMaxDiscardSegments,
        .max_write_zeroes_sectors = kMaxWriteZeroesSectors,
        .max_write_zeroes_segments = kMaxWriteZeroesSegments,
    };
}

BlkConfig VirtioBlk::config() const {
    BlkConfig c{};
    c.capacity = m_image.sectors();
    c.seg_max = kSegMax;
    c.blk_size = static_cast<u32>(blk::kSectorSize);
    c.physical_block_exp = 3; // 4 KiB host blocks
    c.min_io_size = 1;
    c.num_queues = 1;
    c.max_discard_sectors = kMaxDiscardSectors;
    c.max_discard_seg = kMaxDiscardSegments;
    c.discard_sector_alignment = kDiscardAlignment;
    c.max_write_zeroes_sectors = kMaxWriteZeroesSectors;
    c.max_write_zeroes_seg = kMaxWriteZeroesSegments;
    c.write_zeroes_may_unmap = 1; // an unmap write-zeroes punches a hole
    return c;
}

void VirtioBlk::read_device_config(u64 offset, std::span<u8> data) {
    const BlkConfig c = config();
    std::memcpy(data.data(), reinterpret_cast<const u8*>(&c) + offset, data.size());
}

void VirtioBlk::on_reset() {
    ++m_generation;
    m_throttled = false;
}

void VirtioBlk::process_queue(u16 index) {
    Virtqueue& q = queue(index);
    const std::size_t limit = 4 * std::size_t{q.size()};
    bool answered = false;
    for (std::size_t popped = 0; popped < limit; ++popped) {
        if (m_in_flight.load(std::memory_order_relaxed) >= kMaxInFlight) {
            m_throttled = true; // resumed by a completion
            break;
        }
        auto next = q.pop();
        if (!next) {
            device_error(std::move(next).error().with_context(fmt::format("queue {}", index)));
            break;
        }
        if (!*next)
            break;
        const DescriptorChain& chain = **next;
        auto request = blk::parse_blk_request(memory(), chain, limits());
        if (!request) {
            device_error(std::move(request).error().with_context(fmt::format("queue {}", index)));
            break;
        }
        if (!dispatch(index, chain, std::move(*request), answered))
            break;
    }
    if (answered)
        signal_used(index);
}

bool VirtioBlk::dispatch(u16 index, const DescriptorChain& chain, blk::BlkRequest r, bool& answered) {
    auto answer_now = [&](u8 status) {
        answered = true;
        return answer(index, chain.head(), r.status_addr, r.used_len, status);
    };
    auto pending = [&](u32 parts) {
        m_in_flight.fetch_add(1, std::memory_order_relaxed);
        return std::make_shared<Pending>(Pending{
            .queue = index,
            .head = chain.head(),
            .status_addr = r.status_addr,
            .used_len = r.used_len,
            .generation = m_generation,
            .parts_left = parts,
        });
    };

    switch (r.op) {
    case blk::BlkOp::Answer:
        return answer_now(r.status);
    case blk::BlkOp::GetId: {
        std::array<u8, blk::kIdBytes> id{};
        std::memcpy(id.data(), m_serial.data(), std::min(m_serial.size(), id.size()));
        const auto n = static_cast<std::size_t>(std::min<u64>(r.data_len, id.size()));
        if (auto w = chain.write_at(memory(), 0, std::span<const u8>(id.data(), n)); !w) {
            device_error(std::move(w).error());
            return false;
        }
        return answer_now(blk::kStatusOk);
    }
    case blk::BlkOp::Read:
    case blk::BlkOp::Write: {
        if (r.data_len == 0)
            return answer_now(blk::kStatusOk);
        const bool read = r.op == blk::BlkOp::Read;
        submit(pending(1),
               block::IoRequest{.op = read ? block::IoOp::Read : block::IoOp::Write,
                                .offset = r.sector * blk::kSectorSize,
                                .iov = std::move(r.iovecs)},
               static_cast<i64>(r.data_len));
        return true;
    }
    case blk::BlkOp::Flush:
        submit(pending(1), block::IoRequest{.op = block::IoOp::Flush}, 0);
        return true;
    case blk::BlkOp::Discard:
    case blk::BlkOp::WriteZeroes: {
        const auto parts = static_cast<u32>(std::ranges::count_if(
            r.ranges, [](const blk::BlkRange& range) { return range.num_sectors > 0; }));
        if (parts == 0)
            return answer_now(blk::kStatusOk);
        auto p = pending(parts);
        const bool discard = r.op == blk::BlkOp::Discard;
        for (const blk::BlkRange& range : r.ranges) {
            if (range.num_sectors == 0)
                continue;
            submit(p,
                   block::IoRequest{.op = discard ? block::IoOp::Discard : block::IoOp::WriteZeroes,
                                    .offset = range.sector * blk::kSectorSize,
                                    .length = u64{range.num_sectors} * blk::kSectorSize,
                                    .unmap = range.unmap},
                   0);
        }
        return true;
    }
    }
    return answer_now(blk::kStatusUnsupp);
}

bool VirtioBlk::answer(u16 index, u16 head, GuestAddress status_addr, u32 used_len, u8 status) {
    if (auto w = memory().write_obj<u8>(status_addr, status); !w) {
        device_error(std::move(w).error());
        return false;
    }
    if (auto r = queue(index).push_used(head, used_len); !r) {
        device_error(std::move(r).error().with_context(fmt::format("queue {}", index)));
        return false;
    }
    return true;
}

void VirtioBlk::submit(const std::shared_ptr<Pending>& pending, block::IoRequest io, i64 expected) {
    const block::IoOp op = io.op;
    const u64 offset = io.offset;
    io.done = [this, pending, expected, op, offset](i64 result) {
        if (result != expected) {
            u64 count = m_io_errors.fetch_add(1, std::memory_order_relaxed) + 1;
            if (log::worth_logging(count))
                log::warn("virtio-blk {}: {} at byte {} failed: {} (I/O error #{})", m_image.path(),
                          op_name(op), offset,
                          result < 0 ? std::strerror(static_cast<int>(-result)) : "short transfer", count);
        }
        on_done(pending, result, expected);
    };
    m_engine->submit(std::move(io));
}

void VirtioBlk::on_done(const std::shared_ptr<Pending>& p, i64 result, i64 expected) {
    std::lock_guard lock(mutex());
    if (result != expected)
        p->status = blk::kStatusIoErr;
    if (--p->parts_left > 0)
        return;
    m_in_flight.fetch_sub(1, std::memory_order_relaxed);

    Virtqueue& q = queue(p->queue);
    if (p->generation != m_generation || !q.ready() || q.broken()) {
        // Submitted before a reset (or the queue was torn down): the buffers
        // are no longer the device's to return.
        m_dropped.fetch_add(1, std::memory_order_relaxed);
    } else if (answer(p->queue, p->head, p->status_addr, p->used_len, p->status)) {
        signal_used(p->queue);
    }

    if (m_throttled && !m_closing && m_in_flight.load(std::memory_order_relaxed) < kMaxInFlight) {
        m_throttled = false;
        notify(p->queue); // serves what waited, if the device and queue still run
    }
}

} // namespace kite::virtio
