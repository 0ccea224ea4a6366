#include "base/log.h"
#include "block/engines.h"
#include "block/io_ops.h"

#include <cerrno>
#include <chrono>
#include <deque>
#include <liburing.h>
#include <linux/falloc.h>
#include <mutex>
#include <optional>
#include <sys/epoll.h>
#include <thread>

namespace kite::block::detail {

namespace {

constexpr int kPunch = FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE;
constexpr int kZeroRange = FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE;

// What an operation is doing in the ring right now. Write-zeroes moves from
// punch to zero-range to writing as the filesystem refuses each.
enum class Stage : u8 { Nop, Transfer, Flush, Discard, ZeroPunch, ZeroRange, ZeroWrite };

struct UringOp {
    IoRequest req;
    Stage stage{Stage::Nop};
    u64 total{0};         // Transfer: the iovecs' bytes; Zero*/Discard: req.length
    u64 done{0};          // Transfer/ZeroWrite: bytes moved so far
    std::size_t index{0}; // Transfer: the first iovec not fully moved
    int retries{0};       // transient errors in a row
    ZeroIov zero;         // ZeroWrite: the current write's buffers (must outlive the SQE)
};

class UringEngine final : public IoEngine {
public:
    UringEngine(IoThread& io, int fd, EventFd event) : m_io(io), m_fd(fd), m_event(std::move(event)) {}

    // Ring, probe, eventfd registration; the engine is not yet visible to anyone.
    Result<void> init(u32 depth) {
        if (int r = io_uring_queue_init(depth, &m_ring, 0); r < 0)
            return std::unexpected(Error::from_errno("io_uring_queue_init", -r));
        m_ring_ok = true;
        m_capacity = m_ring.sq.ring_entries;

        io_uring_probe* probe = io_uring_get_probe_ring(&m_ring);
        if (!probe)
            return error("io_uring: the kernel cannot report supported operations");
        bool supported = true;
        for (int op :
             {IORING_OP_NOP, IORING_OP_READV, IORING_OP_WRITEV, IORING_OP_FSYNC, IORING_OP_FALLOCATE})
            supported = supported && io_uring_opcode_supported(probe, op);
        io_uring_free_probe(probe);
        if (!supported)
            return error("io_uring: the kernel lacks readv, writev, fsync or fallocate");

        if (int r = io_uring_register_eventfd(&m_ring, m_event.fd()); r < 0)
            return std::unexpected(Error::from_errno("io_uring_register_eventfd", -r));
        m_retry_timer = TRY(Timer::create(m_io.loop(), [this] {
            std::lock_guard lock(m_mutex);
            push_backlog_locked();
            submit_locked();
        }));
        TRY(m_io.add(m_event.fd(), EPOLLIN, [this](u32) {
            m_event.consume();
            process_completions();
        }));
        m_registered = true;
        return {};
    }

    ~UringEngine() override {
        if (m_registered) {
            // Everything that touches the ring from the IoThread stops inside
            // one closure there, so no reap or retry can run afterwards.
            m_io.run_sync([this] {
                drain_here();
                (void)m_io.remove(m_event.fd());
                m_retry_timer.reset();
            });
        } else {
            m_retry_timer.reset();
        }
        if (m_ring_ok)
            io_uring_queue_exit(&m_ring);
    }

    void submit(IoRequest request) override {
        auto* op = new UringOp{.req = std::move(request)};
        start(*op);
        m_in_flight.fetch_add(1, std::memory_order_acq_rel);
        std::lock_guard lock(m_mutex);
        queue_locked(op);
        submit_locked();
    }

    void drain() override {
        m_io.run_sync([this] { drain_here(); });
    }

    Backend backend() const override { return Backend::Uring; }
    u64 in_flight() const override { return m_in_flight.load(std::memory_order_acquire); }

private:
    // Picks the first stage of a new operation.
    void start(UringOp& op) {
        IoRequest& r = op.req;
        switch (r.op) {
        case IoOp::Read:
        case IoOp::Write:
            op.total = iov_total(r.iov);
            iov_advance(r.iov, op.index, 0);
            op.stage = op.total == 0 ? Stage::Nop : Stage::Transfer;
            return;
        case IoOp::Flush:
            op.stage = Stage::Flush;
            return;
        case IoOp::Discard:
            op.total = r.length;
            op.stage = r.length == 0 || !m_support.punch.load(std::memory_order_relaxed) ? Stage::Nop
                                                                                         : Stage::Discard;
            return;
        case IoOp::WriteZeroes:
            op.total = r.length;
            if (r.length == 0)
                op.stage = Stage::Nop;
            else if (r.unmap && m_support.punch.load(std::memory_order_relaxed))
                op.stage = Stage::ZeroPunch;
            else
                op.stage = next_zero_stage();
            return;
        }
    }

    Stage next_zero_stage() const {
        return m_support.zero_range.load(std::memory_order_relaxed) ? Stage::ZeroRange : Stage::ZeroWrite;
    }

    void prep(io_uring_sqe* sqe, UringOp& op) {
        const IoRequest& r = op.req;
        switch (op.stage) {
        case Stage::Nop:
            io_uring_prep_nop(sqe);
            break;
        case Stage::Transfer: {
            const iovec* iov = &r.iov[op.index];
            const auto count = static_cast<unsigned>(iov_batch(r.iov, op.index));
            if (r.op == IoOp::Read)
                io_uring_prep_readv(sqe, m_fd, iov, count, r.offset + op.done);
            else
                io_uring_prep_writev(sqe, m_fd, iov, count, r.offset + op.done);
            break;
        }
        case Stage::Flush:
            io_uring_prep_fsync(sqe, m_fd, IORING_FSYNC_DATASYNC);
            break;
        case Stage::Discard:
        case Stage::ZeroPunch:
            io_uring_prep_fallocate(sqe, m_fd, kPunch, static_cast<off_t>(r.offset),
                                    static_cast<off_t>(r.length));
            break;
        case Stage::ZeroRange:
            io_uring_prep_fallocate(sqe, m_fd, kZeroRange, static_cast<off_t>(r.offset),
                                    static_cast<off_t>(r.length));
            break;
        case Stage::ZeroWrite:
            op.zero = zero_iovecs(op.total - op.done);
            io_uring_prep_writev(sqe, m_fd, op.zero.iov.data(), static_cast<unsigned>(op.zero.count),
                                 r.offset + op.done);
            break;
        }
        io_uring_sqe_set_data(sqe, &op);
    }

    // Into the ring if it has room (and nothing older waits), else the backlog.
    void queue_locked(UringOp* op) {
        if (m_in_ring < m_capacity && m_backlog.empty()) {
            place_locked(*op);
            return;
        }
        m_backlog.push_back(op);
    }

    void place_locked(UringOp& op) {
        // At most m_capacity operations are in the ring, so a free SQE exists.
        io_uring_sqe* sqe = io_uring_get_sqe(&m_ring);
        prep(sqe, op);
        ++m_in_ring;
    }

    void push_backlog_locked() {
        while (!m_backlog.empty() && m_in_ring < m_capacity) {
            place_locked(*m_backlog.front());
            m_backlog.pop_front();
        }
    }

    // Hands prepared SQEs to the kernel. What it does not take now (no memory,
    // a full completion queue) stays in the SQ for the retry timer or the next
    // reap.
    void submit_locked() {
        while (io_uring_sq_ready(&m_ring) > 0) {
            int r = io_uring_submit(&m_ring);
            if (r > 0)
                continue;
            if (r == -EINTR)
                continue;
            if (r != -EAGAIN && r != -EBUSY && log::worth_logging(m_submit_errors.fetch_add(1, std::memory_order_relaxed) + 1))
                log::warn("block: {}", Error::from_errno("io_uring_submit", -r).message());
            m_retry_timer->arm(std::chrono::milliseconds(1));
            return;
        }
    }

    // Moves `op` on after a completion: its final result, or nullopt when it
    // goes back to the ring (the rest of a short transfer, a retry, the next
    // write-zeroes method).
    std::optional<i64> advance(UringOp& op, int res) {
        if (res < 0 && is_transient(-res) && op.retries++ < kMaxRetries)
            return std::nullopt;
        switch (op.stage) {
        case Stage::Nop:
            return 0;
        case Stage::Transfer:
            if (res <= 0)
                return res < 0 ? res : -EIO; // 0: the image ended early (shrunk under us)
            op.retries = 0;
            op.done += static_cast<u64>(res);
            iov_advance(op.req.iov, op.index, static_cast<u64>(res));
            if (op.done >= op.total)
                return static_cast<i64>(op.total);
            return std::nullopt;
        case Stage::Flush:
            return res;
        case Stage::Discard:
            if (res < 0 && is_unsupported(-res)) {
                m_support.punch.store(false, std::memory_order_relaxed);
                return 0; // discard is a hint
            }
            return res;
        case Stage::ZeroPunch:
            if (res < 0 && is_unsupported(-res)) {
                m_support.punch.store(false, std::memory_order_relaxed);
                op.stage = next_zero_stage();
                op.retries = 0;
                return std::nullopt;
            }
            return res;
        case Stage::ZeroRange:
            if (res < 0 && is_unsupported(-res)) {
                m_support.zero_range.store(false, std::memory_order_relaxed);
                op.stage = Stage::ZeroWrite;
                op.retries = 0;
                return std::nullopt;
            }
            return res;
        case Stage::ZeroWrite:
            if (res <= 0)
                return res < 0 ? res : -EIO;
            op.retries = 0;
            op.done += static_cast<u64>(res);
            return op.done >= op.total ? std::optional<i64>(0) : std::nullopt;
        }
        return -EINVAL;
    }

    // Reaps every completion available now (on the IoThread). Returns how many.
    std::size_t process_completions() {
        std::vector<std::pair<UringOp*, int>> batch;
        unsigned head = 0;
        io_uring_cqe* cqe = nullptr;
        io_uring_for_each_cqe(&m_ring, head, cqe) {
            batch.emplace_back(static_cast<UringOp*>(io_uring_cqe_get_data(cqe)), cqe->res);
        }
        if (batch.empty())
            return 0;
        io_uring_cq_advance(&m_ring, static_cast<unsigned>(batch.size()));

        std::vector<std::pair<UringOp*, i64>> finished;
        {
            std::lock_guard lock(m_mutex);
            m_in_ring -= static_cast<u32>(batch.size());
            for (auto [op, res] : batch) {
                if (auto result = advance(*op, res))
                    finished.emplace_back(op, *result);
                else
                    queue_locked(op);
            }
            push_backlog_locked();
            submit_locked();
        }
        // Callbacks run without the lock: they may submit again.
        for (auto [op, result] : finished) {
            if (op->req.done)
                op->req.done(result);
            delete op;
            m_in_flight.fetch_sub(1, std::memory_order_acq_rel);
        }
        return batch.size();
    }

    // Reaps, blocking, until nothing is in flight. On the IoThread (or on the
    // caller once the IoThread has stopped), so nothing else reaps meanwhile.
    void drain_here() {
        while (m_in_flight.load(std::memory_order_acquire) > 0) {
            bool waitable;
            {
                std::lock_guard lock(m_mutex);
                push_backlog_locked();
                submit_locked();
                // Blocking needs something the kernel owns; otherwise an
                // operation is still being queued by another thread, or
                // the kernel refused the submission for now.
                waitable = m_in_ring > 0 && io_uring_sq_ready(&m_ring) == 0;
            }
            if (process_completions() > 0)
                continue;
            if (!waitable) {
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
                continue;
            }
            io_uring_cqe* cqe = nullptr;
            int r = io_uring_wait_cqe(&m_ring, &cqe);
            if (r < 0 && r != -EINTR && r != -EAGAIN)
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    }

    IoThread& m_io;
    const int m_fd;
    EventFd m_event; // the ring signals it for each completion
    io_uring m_ring{};
    bool m_ring_ok{false};
    bool m_registered{false};
    u32 m_capacity{0};
    std::unique_ptr<Timer> m_retry_timer;
    FallocateSupport m_support;
    std::atomic<u64> m_in_flight{0};
    std::atomic<u64> m_submit_errors{0};

    std::mutex m_mutex; // guards the submission queue, m_in_ring and m_backlog
    u32 m_in_ring{0};   // operations in the SQ or the kernel, not yet reaped
    std::deque<UringOp*> m_backlog;
};

} // namespace

Result<std::unique_ptr<IoEngine>> make_uring_engine(IoThread& io, int fd, u32 depth) {
    auto event = TRY(EventFd::create());
    auto engine = std::make_unique<UringEngine>(io, fd, std::move(event));
    TRY(engine->init(depth));
    return engine;
}

} // namespace kite::block::detail
