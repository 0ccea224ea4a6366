#include "virtio/blk/blk_request.h"

#include <algorithm>

namespace kite::virtio::blk {

namespace {

struct Header {
    u32 type;
    u32 reserved;
    u64 sector;
};
static_assert(sizeof(Header) == kHeaderSize);

struct RawRange {
    u64 sector;
    u32 num_sectors;
    u32 flags;
};
static_assert(sizeof(RawRange) == kRangeSize);

template <typename T>
std::span<u8> bytes_of(T& value) {
    return {reinterpret_cast<u8*>(&value), sizeof(T)};
}

BlkRequest answer(BlkRequest r, u8 status) {
    r.op = BlkOp::Answer;
    r.status = status;
    r.iovecs.clear();
    r.ranges.clear();
    return r;
}

// [sector, sector + count) lies within the disk (no overflow for any input).
bool in_capacity(u64 sector, u64 count, u64 capacity) {
    return sector <= capacity && count <= capacity - sector;
}

GuestAddress last_writable_byte(const DescriptorChain& chain) {
    const auto& w = chain.writable();
    auto it = std::find_if(w.rbegin(), w.rend(), [](const Segment& s) { return s.len > 0; });
    return it->addr + (it->len - 1); // writable_len() > 0: one exists
}

// Discard / write-zeroes: the readable data after the header is an array of
// 16-byte segments.
Result<BlkRequest> parse_ranges(const GuestMemory& memory, const DescriptorChain& chain,
                                const BlkLimits& limits, BlkRequest r) {
    const bool discard = r.type == type::kDiscard;
    if (!(discard ? limits.discard : limits.write_zeroes))
        return answer(std::move(r), kStatusUnsupp);
    if (limits.readonly)
        return answer(std::move(r), kStatusIoErr);
    const u64 payload = chain.readable_len() - kHeaderSize;
    const u32 max_segments = discard ? limits.max_discard_segments : limits.max_write_zeroes_segments;
    const u32 max_sectors = discard ? limits.max_discard_sectors : limits.max_write_zeroes_sectors;
    if (payload == 0 || payload % kRangeSize != 0 || payload / kRangeSize > max_segments)
        return answer(std::move(r), kStatusIoErr);
    const u64 count = payload / kRangeSize;
    r.ranges.reserve(count);
    for (u64 i = 0; i < count; ++i) {
        RawRange raw{};
        TRY(chain.read_at(memory, kHeaderSize + i * kRangeSize, bytes_of(raw)));
        const bool unmap = (raw.flags & kRangeFlagUnmap) != 0;
        if ((raw.flags & ~kRangeFlagUnmap) != 0 || (discard && unmap))
            return answer(std::move(r), kStatusUnsupp);
        if (raw.num_sectors > max_sectors ||
            !in_capacity(raw.sector, raw.num_sectors, limits.capacity_sectors))
            return answer(std::move(r), kStatusIoErr);
        r.ranges.push_back(BlkRange{raw.sector, raw.num_sectors, unmap});
    }
    r.op = discard ? BlkOp::Discard : BlkOp::WriteZeroes;
    return r;
}

// Read or write: `segments` from `offset` hold the data, which must be whole
// sectors inside the disk.
BlkRequest parse_transfer(const GuestMemory& memory, const std::vector<Segment>& segments, u64 offset,
                          const BlkLimits& limits, BlkRequest r, BlkOp op) {
    if (op == BlkOp::Write && limits.readonly)
        return answer(std::move(r), kStatusIoErr);
    if (r.data_len % kSectorSize != 0 ||
        !in_capacity(r.sector, r.data_len / kSectorSize, limits.capacity_sectors))
        return answer(std::move(r), kStatusIoErr);
    if (!guest_iovecs(memory, segments, offset, r.data_len, limits.max_data_iovecs, r.iovecs))
        return answer(std::move(r), kStatusIoErr);
    r.op = op;
    return r;
}

} // namespace

Result<void> guest_iovecs(const GuestMemory& memory, const std::vector<Segment>& segments, u64 offset,
                          u64 len, std::size_t max_iovecs, std::vector<iovec>& out) {
    for (const Segment& s : segments) {
        if (len == 0)
            break;
        if (offset >= s.len) {
            offset -= s.len;
            continue;
        }
        GuestAddress addr = s.addr + offset;
        u64 left = std::min<u64>(s.len - offset, len);
        offset = 0;
        len -= left;
        while (left > 0) {
            // The piece that lies in the region holding addr.
            auto region = std::ranges::find_if(memory.regions(),
                                               [&](const GuestRegion& g) { return g.contains(addr); });
            if (region == memory.regions().end())
                return error("virtio-blk: data buffer at {:#x} is outside guest RAM", addr.value);
            const u64 piece = std::min(left, region->end() - addr.value);
            if (out.size() >= max_iovecs)
                return error("virtio-blk: request needs more than {} buffers", max_iovecs);
            std::span<u8> host = TRY(memory.slice(addr, piece));
            out.push_back(iovec{host.data(), host.size()});
            addr = addr + piece;
            left -= piece;
        }
    }
    if (len != 0)
        return error("virtio-blk: data runs past the buffers");
    return {};
}

Result<BlkRequest> parse_blk_request(const GuestMemory& memory, const DescriptorChain& chain,
                                     const BlkLimits& limits) {
    if (chain.writable_len() == 0)
        return error("virtio-blk request {} has no device-writable byte for its status", chain.head());
    if (chain.readable_len() < kHeaderSize)
        return error("virtio-blk request {}: {} readable bytes, a header needs {}", chain.head(),
                     chain.readable_len(), kHeaderSize);
    Header header{};
    TRY(chain.read_at(memory, 0, bytes_of(header)));

    BlkRequest r;
    r.type = header.type;
    r.sector = header.sector;
    r.status_addr = last_writable_byte(chain);
    r.used_len = chain.writable_len();
    // The status byte ends the writable part; the data comes before it
    // (IN, GET_ID) or after the header in the readable part (the others).
    const u64 writable_data = chain.writable_len() - 1u;
    const u64 readable_data = chain.readable_len() - kHeaderSize;

    switch (header.type) {
    case type::kIn:
        r.data_len = writable_data;
        return parse_transfer(memory, chain.writable(), 0, limits, std::move(r), BlkOp::Read);
    case type::kOut:
        r.data_len = readable_data;
        return parse_transfer(memory, chain.readable(), kHeaderSize, limits, std::move(r), BlkOp::Write);
    case type::kFlush:
        r.op = BlkOp::Flush;
        return r;
    case type::kGetId:
        r.data_len = writable_data;
        r.op = BlkOp::GetId;
        return r;
    case type::kDiscard:
    case type::kWriteZeroes:
        return parse_ranges(memory, chain, limits, std::move(r));
    default:
        // GET_LIFETIME, SECURE_ERASE, zoned and unknown types: not offered.
        return answer(std::move(r), kStatusUnsupp);
    }
}

} // namespace kite::virtio::blk
