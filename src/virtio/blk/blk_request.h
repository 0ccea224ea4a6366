#pragma once

// virtio-blk requests (virtio 1.2, 5.2.6): the wire constants and a pure
// parser from a validated descriptor chain to what the device must do. The
// parser reads guest memory but changes nothing, so it can be fuzzed alone.

#include "base/error.h"
#include "base/types.h"
#include "memory/guest_address.h"
#include "memory/guest_memory.h"
#include "virtio/queue/descriptor_chain.h"

#include <sys/uio.h>
#include <vector>

namespace kite::virtio::blk {

// Request types (5.2.6).
namespace type {
constexpr u32 kIn = 0;
constexpr u32 kOut = 1;
constexpr u32 kFlush = 4;
constexpr u32 kGetId = 8;
constexpr u32 kGetLifetime = 10;
constexpr u32 kDiscard = 11;
constexpr u32 kWriteZeroes = 13;
constexpr u32 kSecureErase = 14;
} // namespace type

// Status byte values.
constexpr u8 kStatusOk = 0;
constexpr u8 kStatusIoErr = 1;
constexpr u8 kStatusUnsupp = 2;

constexpr u64 kSectorSize = 512;
constexpr u32 kHeaderSize = 16; // le32 type, le32 reserved, le64 sector
constexpr u32 kRangeSize = 16;  // le64 sector, le32 num_sectors, le32 flags
constexpr u32 kRangeFlagUnmap = 1;
constexpr std::size_t kIdBytes = 20; // GET_ID: NUL-padded, no terminator at 20

// What the device allows; the parser checks requests against it.
struct BlkLimits {
    u64 capacity_sectors{0};
    bool readonly{false};
    bool discard{false};      // VIRTIO_BLK_F_DISCARD negotiated
    bool write_zeroes{false}; // VIRTIO_BLK_F_WRITE_ZEROES negotiated
    u32 max_discard_sectors{0};
    u32 max_discard_segments{0};
    u32 max_write_zeroes_sectors{0};
    u32 max_write_zeroes_segments{0};
    // Host iovecs a read or write may need (guest segments, split where they
    // cross RAM regions); more is answered IOERR. Bounds host memory per request.
    u32 max_data_iovecs{1024};
};

enum class BlkOp : u8 {
    Read,        // data_len bytes from sector into iovecs
    Write,       // data_len bytes from iovecs to sector
    Flush,       //
    GetId,       // min(data_len, kIdBytes) bytes of the ID into the writable part
    Discard,     // ranges
    WriteZeroes, // ranges
    Answer,      // nothing to do: complete at once with `status`
};

// One discard/write-zeroes segment, checked against the limits and capacity.
struct BlkRange {
    u64 sector{0};
    u32 num_sectors{0};
    bool unmap{false};
};

struct BlkRequest {
    u32 type{0};
    BlkOp op{BlkOp::Answer};
    u8 status{kStatusOk}; // Answer: the status to write
    u64 sector{0};
    u64 data_len{0};           // Read/Write/GetId: the data part's bytes
    std::vector<iovec> iovecs; // Read/Write: host views of the guest data buffers
    std::vector<BlkRange> ranges;
    GuestAddress status_addr; // the last writable byte
    // The used length: the whole writable part, as the status byte is its last byte.
    u32 used_len{0};
};

// Parses the request in `chain`. A chain that cannot carry a request at all
// (no writable byte for the status, a header shorter than 16 bytes) is an
// error: the device cannot answer it and needs a reset. Requests it can
// answer but not serve (bad lengths, out of range, read-only, unknown type,
// features not negotiated) come back as BlkOp::Answer with IOERR or UNSUPP.
Result<BlkRequest> parse_blk_request(const GuestMemory& memory, const DescriptorChain& chain,
                                     const BlkLimits& limits);

// Host iovecs for `len` bytes of `segments` starting `offset` bytes in,
// split where guest RAM regions end; empty pieces are skipped. Fails when a
// segment is not in RAM or more than `max_iovecs` would be needed.
Result<void> guest_iovecs(const GuestMemory& memory, const std::vector<Segment>& segments, u64 offset,
                          u64 len, std::size_t max_iovecs, std::vector<iovec>& out);

} // namespace kite::virtio::blk
