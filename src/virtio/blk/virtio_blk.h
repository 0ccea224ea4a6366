#pragma once

#include "base/error.h"
#include "base/types.h"
#include "block/disk_image.h"
#include "block/io_engine.h"
#include "event/io_thread.h"
#include "virtio/blk/blk_request.h"
#include "virtio/device/virtio_device.h"

#include <atomic>
#include <memory>
#include <string>

namespace kite::virtio {

// The block device's config space (virtio 1.2, 5.2.4), little-endian; every
// field is naturally aligned, so the struct has no padding.
struct BlkConfig {
    u64 capacity; // 512-byte sectors
    u32 size_max;
    u32 seg_max;
    u16 geometry_cylinders;
    u8 geometry_heads;
    u8 geometry_sectors;
    u32 blk_size;
    u8 physical_block_exp;
    u8 alignment_offset;
    u16 min_io_size;
    u32 opt_io_size;
    u8 writeback;
    u8 unused0;
    u16 num_queues;
    u32 max_discard_sectors;
    u32 max_discard_seg;
    u32 discard_sector_alignment;
    u32 max_write_zeroes_sectors;
    u32 max_write_zeroes_seg;
    u8 write_zeroes_may_unmap;
    u8 unused1[3];
    u32 max_secure_erase_sectors;
    u32 max_secure_erase_seg;
    u32 secure_erase_sector_alignment;
};
static_assert(sizeof(BlkConfig) == 72);

// virtio-blk (device ID 2, virtio 1.2 5.2) over a raw DiskImage: one request
// queue; reads, writes, flush, GET_ID, discard and write-zeroes.
//
// Threading. A queue kick runs process_queue() on the vCPU thread under the
// device lock: it pops chains, parses them (blk::parse_blk_request) and hands
// the disk work to the IoEngine, never waiting for the disk. Requests that need
// no I/O (GET_ID, errors, UNSUPP) are answered right there. Completions run on
// the IoThread: they take mutex(), write the status byte, push the chain used
// and signal_used(). Lock order: the device mutex, then the engine's
// submission lock; the engine calls back with no lock held.
//
// Requests whose answer does not depend on the disk: an OUT, DISCARD or
// WRITE_ZEROES on a read-only image, a bad length or a sector range beyond the
// capacity get IOERR; unknown types, and discard/write-zeroes without their
// feature, get UNSUPP. A chain without a writable status byte or with a header
// shorter than 16 bytes cannot be answered: the device enters NEEDS_RESET.
// Host I/O errors become IOERR. The used length is the whole writable part,
// whose last byte is the status.
//
// Reset and teardown. Each request remembers the device generation it was
// submitted in; reset bumps it, and a completion from an older generation (or
// for a queue no longer ready) is dropped, not pushed: the buffers belong to
// the old driver. The I/O itself is not cancelled (a read may still land in
// the old buffers). A driver that clears QueueReady and sets it again without
// a device reset is not told apart: such stale completions reach the new ring. The destructor bumps the
// generation, then destroys the engine, which waits until every submitted request's callback has returned, so
// no callback outlives the device. Guest memory and the IoThread must outlive the device.
//
// At most kMaxInFlight requests are in flight; beyond that the queue is left
// alone until completions make room (only a misbehaving driver, which can
// make one buffer available many times, gets there).
class VirtioBlk final : public VirtioDevice {
public:
    static constexpr u16 kQueueSize = 256;
    static constexpr u32 kMaxInFlight = kQueueSize;
    // Data segments per request: header, data and status fit the ring without
    // indirect descriptors.
    static constexpr u32 kSegMax = kQueueSize - 2;
    static constexpr u32 kMaxDiscardSectors = 1u << 22; // 2 GiB per segment
    static constexpr u32 kMaxDiscardSegments = 32;
    static constexpr u32 kMaxWriteZeroesSectors = 1u << 22;
    static constexpr u32 kMaxWriteZeroesSegments = 32;
    static constexpr u32 kDiscardAlignment = 8; // sectors: 4 KiB, the usual host block

    // Feature bits (virtio 1.2, 5.2.3).
    static constexpr u64 kFeatureSegMax = 1ull << 2;
    static constexpr u64 kFeatureRo = 1ull << 5;
    static constexpr u64 kFeatureBlkSize = 1ull << 6;
    static constexpr u64 kFeatureFlush = 1ull << 9;
    static constexpr u64 kFeatureTopology = 1ull << 10;
    static constexpr u64 kFeatureDiscard = 1ull << 13;
    static constexpr u64 kFeatureWriteZeroes = 1ull << 14;

    // A device over `image`, its I/O running on `io`. `serial` is what GET_ID
    // returns (at most 20 bytes are used; empty gives an all-NUL ID). Fails if
    // the engine cannot be set up. `backend` is for tests (Sync forces the
    // fallback engine).
    static Result<std::shared_ptr<VirtioBlk>>
    create(const GuestMemory& memory, IoThread& io, block::DiskImage image, std::string serial,
           block::IoEngine::Backend backend = block::IoEngine::Backend::Auto);
    // Opens (and locks) the image at `path`, then create().
    static Result<std::shared_ptr<VirtioBlk>>
    open(const GuestMemory& memory, IoThread& io, const std::string& path, bool readonly, std::string serial);

    // Drops completions still due and waits for their callbacks (see above).
    ~VirtioBlk() override;

    u64 capacity_sectors() const { return m_image.sectors(); }
    bool readonly() const { return m_image.readonly(); }
    const std::string& serial() const { return m_serial; }
    block::IoEngine::Backend backend() const { return m_engine->backend(); }

    // Waits until every request submitted so far has completed (tests, pause).
    // Call without holding mutex() and not from an IoThread callback.
    void drain() { m_engine->drain(); }

    // Statistics (any thread).
    u64 requests_in_flight() const { return m_in_flight.load(std::memory_order_relaxed); }
    u64 io_error_count() const { return m_io_errors.load(std::memory_order_relaxed); }
    u64 dropped_completion_count() const { return m_dropped.load(std::memory_order_relaxed); }

protected:
    void process_queue(u16 index) override;
    u64 config_size() const override { return sizeof(BlkConfig); }
    void read_device_config(u64 offset, std::span<u8> data) override;
    void on_reset() override;

private:
    struct Pending;

    VirtioBlk(const GuestMemory& memory, block::DiskImage image, std::unique_ptr<block::IoEngine> engine,
              std::string serial);

    blk::BlkLimits limits() const;
    BlkConfig config() const;
    // Starts or answers one parsed request; false when the device broke.
    bool dispatch(u16 index, const DescriptorChain& chain, blk::BlkRequest request, bool& answered);
    bool answer(u16 index, u16 head, GuestAddress status_addr, u32 used_len, u8 status);
    void submit(const std::shared_ptr<Pending>& pending, block::IoRequest io, i64 expected);
    // On the IoThread: one engine operation of `pending` finished.
    void on_done(const std::shared_ptr<Pending>& pending, i64 result, i64 expected);

    block::DiskImage m_image;
    std::unique_ptr<block::IoEngine> m_engine;
    const std::string m_serial;

    // Guarded by mutex().
    u64 m_generation{0};
    bool m_throttled{false}; // stopped popping at kMaxInFlight
    bool m_closing{false};

    std::atomic<u64> m_in_flight{0};
    std::atomic<u64> m_io_errors{0};
    std::atomic<u64> m_dropped{0};
};

} // namespace kite::virtio
