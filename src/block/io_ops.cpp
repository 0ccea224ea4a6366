#include "block/io_ops.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <fcntl.h>
#include <linux/falloc.h>
#include <unistd.h>

namespace kite::block::detail {

namespace {

constexpr int kPunch = FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE;
constexpr int kZeroRange = FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE;

// Never written: the kernel only reads it for the write-zeroes fallback.
alignas(4096) const u8 g_zeroes[64 * KiB] = {};

// fallocate(2), retried while transient; 0 or -errno.
i64 fallocate_retry(int fd, int mode, u64 offset, u64 length) {
    for (int attempt = 0;; ++attempt) {
        if (::fallocate(fd, mode, static_cast<off_t>(offset), static_cast<off_t>(length)) == 0)
            return 0;
        if (!is_transient(errno) || attempt == kMaxRetries)
            return -errno;
    }
}

// preadv/pwritev until every byte moved; the full length or -errno.
i64 transfer(int fd, bool write, u64 offset, std::vector<iovec> iov) {
    const u64 total = iov_total(iov);
    u64 done = 0;
    std::size_t index = 0;
    int retries = 0;
    while (done < total) {
        const int count = iov_batch(iov, index);
        const off_t at = static_cast<off_t>(offset + done);
        ssize_t n = write ? ::pwritev(fd, &iov[index], count, at) : ::preadv(fd, &iov[index], count, at);
        if (n < 0) {
            if (is_transient(errno) && ++retries <= kMaxRetries)
                continue;
            return -errno;
        }
        if (n == 0)
            return -EIO; // the image ended early (shrunk under us)
        retries = 0;
        done += static_cast<u64>(n);
        iov_advance(iov, index, static_cast<u64>(n));
    }
    return static_cast<i64>(total);
}

i64 write_zeroes_by_writing(int fd, u64 offset, u64 length) {
    u64 done = 0;
    int retries = 0;
    while (done < length) {
        ZeroIov z = zero_iovecs(length - done);
        ssize_t n = ::pwritev(fd, z.iov.data(), z.count, static_cast<off_t>(offset + done));
        if (n < 0) {
            if (is_transient(errno) && ++retries <= kMaxRetries)
                continue;
            return -errno;
        }
        if (n == 0)
            return -EIO;
        retries = 0;
        done += static_cast<u64>(n);
    }
    return 0;
}

i64 write_zeroes(int fd, const IoRequest& r, FallocateSupport& support) {
    if (r.unmap && support.punch.load(std::memory_order_relaxed)) {
        i64 res = fallocate_retry(fd, kPunch, r.offset, r.length);
        if (res == 0 || !is_unsupported(static_cast<int>(-res)))
            return res;
        support.punch.store(false, std::memory_order_relaxed);
    }
    if (support.zero_range.load(std::memory_order_relaxed)) {
        i64 res = fallocate_retry(fd, kZeroRange, r.offset, r.length);
        if (res == 0 || !is_unsupported(static_cast<int>(-res)))
            return res;
        support.zero_range.store(false, std::memory_order_relaxed);
    }
    return write_zeroes_by_writing(fd, r.offset, r.length);
}

i64 discard(int fd, const IoRequest& r, FallocateSupport& support) {
    if (!support.punch.load(std::memory_order_relaxed))
        return 0;
    i64 res = fallocate_retry(fd, kPunch, r.offset, r.length);
    if (res != 0 && is_unsupported(static_cast<int>(-res))) {
        support.punch.store(false, std::memory_order_relaxed);
        return 0; // discard is a hint
    }
    return res;
}

i64 flush(int fd) {
    for (int attempt = 0;; ++attempt) {
        if (::fdatasync(fd) == 0)
            return 0;
        if (!is_transient(errno) || attempt == kMaxRetries)
            return -errno;
    }
}

} // namespace

bool is_unsupported(int err) {
    return err == EOPNOTSUPP || err == ENOSYS || err == EINVAL || err == ENOTTY || err == ENODEV;
}

u64 iov_total(const std::vector<iovec>& iov) {
    u64 total = 0;
    for (const iovec& v : iov)
        total += v.iov_len;
    return total;
}

void iov_advance(std::vector<iovec>& iov, std::size_t& index, u64 n) {
    while (n > 0 && index < iov.size()) {
        iovec& v = iov[index];
        if (n >= v.iov_len) {
            n -= v.iov_len;
            ++index;
            continue;
        }
        v.iov_base = static_cast<u8*>(v.iov_base) + n;
        v.iov_len -= n;
        n = 0;
    }
    // Zero-length iovecs left at the front would make a transfer of 0 bytes look like EOF.
    while (index < iov.size() && iov[index].iov_len == 0)
        ++index;
}

int iov_batch(const std::vector<iovec>& iov, std::size_t index) {
    return static_cast<int>(std::min<std::size_t>(iov.size() - index, IOV_MAX));
}

ZeroIov zero_iovecs(u64 len) {
    ZeroIov z;
    len = std::min(len, kZeroChunk);
    while (len > 0 && z.count < static_cast<int>(z.iov.size())) {
        const u64 n = std::min<u64>(len, sizeof(g_zeroes));
        z.iov[z.count++] = iovec{const_cast<u8*>(g_zeroes), n};
        z.bytes += n;
        len -= n;
    }
    return z;
}

i64 execute_sync(int fd, IoRequest& r, FallocateSupport& support) {
    switch (r.op) {
    case IoOp::Read:
    case IoOp::Write: {
        std::vector<iovec> iov = std::move(r.iov);
        std::size_t index = 0;
        iov_advance(iov, index, 0); // skip leading empty iovecs
        iov.erase(iov.begin(), iov.begin() + static_cast<std::ptrdiff_t>(index));
        return transfer(fd, r.op == IoOp::Write, r.offset, std::move(iov));
    }
    case IoOp::Flush:
        return flush(fd);
    case IoOp::Discard:
        return r.length == 0 ? 0 : discard(fd, r, support);
    case IoOp::WriteZeroes:
        return r.length == 0 ? 0 : write_zeroes(fd, r, support);
    }
    return -EINVAL;
}

} // namespace kite::block::detail
