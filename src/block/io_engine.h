#pragma once

#include "base/error.h"
#include "base/types.h"
#include "event/io_thread.h"

#include <functional>
#include <memory>
#include <string_view>
#include <sys/uio.h>
#include <vector>

namespace kite::block {

enum class IoOp : u8 {
    Read,        // preadv into `iov`
    Write,       // pwritev from `iov`
    Flush,       // fdatasync: completed writes reach stable storage
    Discard,     // punch a hole; a hint, so a filesystem that cannot punch reports success
    WriteZeroes, // afterwards the range reads as zeroes (punch, zero-range or written zeroes)
};

// One asynchronous operation on an image fd.
struct IoRequest {
    IoOp op{IoOp::Read};
    u64 offset{0};          // bytes into the image
    std::vector<iovec> iov; // Read/Write: host buffers (guest RAM), valid until `done` runs
    u64 length{0};          // Discard/WriteZeroes: bytes
    bool unmap{false};      // WriteZeroes: the range may be deallocated (punched) rather than written
    // Runs on the IoThread with the bytes moved (Read/Write, always the full
    // length on success), 0 (other ops) or -errno.
    std::function<void(i64 result)> done;
};

// Runs IoRequests against one fd without blocking the submitter: vCPU threads
// submit, completions run on the IoThread.
//
// Two backends with the same semantics:
//  - Uring: io_uring (liburing). submit() fills SQEs under a mutex and enters
//    the kernel from the calling thread; the ring's eventfd is registered with
//    the IoThread, which reaps completions. Short reads and writes are
//    resubmitted for the rest, -EINTR/-EAGAIN results are retried, requests
//    beyond the ring's depth wait in a backlog.
//  - Sync: submit() queues the request and the IoThread runs it with
//    preadv/pwritev/fdatasync/fallocate. Used when io_uring is unavailable
//    (disabled by sysctl, seccomp, old kernels) or when forced (tests).
//
// Write-zeroes tries, in order, punching a hole (only with `unmap`),
// FALLOC_FL_ZERO_RANGE, then writing zero buffers; an unsupported method is
// remembered and skipped afterwards.
//
// Lifetime: the fd and the IoThread must outlive the engine. The destructor
// drains: it waits (on the IoThread) until every submitted request has
// completed and its callback has returned, so no callback runs afterwards.
// Callbacks are called with no engine lock held and may submit again.
class IoEngine {
public:
    enum class Backend : u8 { Auto, Uring, Sync };

    // Auto picks io_uring when the kernel allows it and falls back to Sync;
    // Uring fails instead of falling back. `depth` bounds the requests in the
    // ring at once (more wait in a backlog).
    static Result<std::unique_ptr<IoEngine>> create(IoThread& io, int fd, Backend backend = Backend::Auto,
                                                    u32 depth = 128);

    virtual ~IoEngine() = default;
    IoEngine(const IoEngine&) = delete;
    IoEngine& operator=(const IoEngine&) = delete;

    // Thread-safe. Never blocks on the disk.
    virtual void submit(IoRequest request) = 0;
    // Waits until every request submitted so far (and any its callbacks
    // submitted) has completed. May be called from any thread, including the
    // IoThread; not from inside a completion callback.
    virtual void drain() = 0;

    virtual Backend backend() const = 0;
    // Requests submitted whose callbacks have not yet returned.
    virtual u64 in_flight() const = 0;

protected:
    IoEngine() = default;
};

std::string_view backend_name(IoEngine::Backend backend);

} // namespace kite::block
