#pragma once

// Pieces both IoEngine backends share: errno classification, the iovec
// cursor for short transfers, the zero buffer for write-zeroes and the
// synchronous execution of a request. Internal to kite_block.

#include "block/io_engine.h"

#include <array>
#include <atomic>
#include <sys/uio.h>

namespace kite::block::detail {

// A transient result worth retrying as is, and how often before giving up.
inline bool is_transient(int err) {
    return err == EINTR || err == EAGAIN;
}
constexpr int kMaxRetries = 64;

// fallocate errors that mean "this mode is not available on this file"
// rather than "the operation failed".
bool is_unsupported(int err);

// Which fallocate modes still look available on the image; shared by all
// requests so a refusal is paid once.
struct FallocateSupport {
    std::atomic<bool> punch{true};
    std::atomic<bool> zero_range{true};
};

// Sum of the lengths.
u64 iov_total(const std::vector<iovec>& iov);
// Drops the first `n` bytes of iov[index...], advancing `index` past iovecs
// that are used up and trimming the first one that is not.
void iov_advance(std::vector<iovec>& iov, std::size_t& index, u64 n);
// At most IOV_MAX iovecs per system call.
int iov_batch(const std::vector<iovec>& iov, std::size_t index);

// iovecs over a shared read-only zero buffer covering min(len, kZeroChunk) bytes.
constexpr u64 kZeroChunk = 1 * MiB;
struct ZeroIov {
    std::array<iovec, 16> iov;
    int count{0};
    u64 bytes{0};
};
ZeroIov zero_iovecs(u64 len);

// Runs `request` to completion on the calling thread (the Sync backend).
// Returns what IoRequest::done receives.
i64 execute_sync(int fd, IoRequest& request, FallocateSupport& support);

} // namespace kite::block::detail
