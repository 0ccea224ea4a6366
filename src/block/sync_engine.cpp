#include "block/engines.h"
#include "block/io_ops.h"

#include <deque>
#include <mutex>

namespace kite::block::detail {

namespace {

// The state the IoThread's pump works on. Shared so that a pump still queued
// on the IoThread when the engine is destroyed finds it (empty) rather than
// freed memory.
struct SyncCore {
    int fd;
    FallocateSupport support;
    std::mutex mutex; // guards queue and scheduled
    std::deque<IoRequest> queue;
    bool scheduled{false}; // a pump is posted or running
    std::atomic<u64> in_flight{0};
};

// Runs queued requests one at a time until the queue is empty. Requests that
// callbacks submit meanwhile are run too.
void pump(SyncCore& core) {
    for (;;) {
        IoRequest request;
        {
            std::lock_guard lock(core.mutex);
            if (core.queue.empty()) {
                core.scheduled = false;
                return;
            }
            request = std::move(core.queue.front());
            core.queue.pop_front();
        }
        const i64 result = execute_sync(core.fd, request, core.support);
        if (request.done)
            request.done(result);
        core.in_flight.fetch_sub(1, std::memory_order_acq_rel);
    }
}

class SyncEngine final : public IoEngine {
public:
    SyncEngine(IoThread& io, int fd) : m_io(io), m_core(std::make_shared<SyncCore>()) { m_core->fd = fd; }

    ~SyncEngine() override {
        drain();
        // A pump posted but not yet run sees the core gone and does nothing.
    }

    void submit(IoRequest request) override {
        m_core->in_flight.fetch_add(1, std::memory_order_acq_rel);
        bool post = false;
        {
            std::lock_guard lock(m_core->mutex);
            m_core->queue.push_back(std::move(request));
            post = !std::exchange(m_core->scheduled, true);
        }
        if (post) {
            m_io.post([weak = std::weak_ptr<SyncCore>(m_core)] {
                if (auto core = weak.lock())
                    pump(*core);
            });
        }
    }

    void drain() override {
        // On the IoThread (or on this thread once the IoThread has stopped):
        // run whatever is queued now. Claiming `scheduled` keeps submissions
        // from callbacks from posting another pump; this loop takes them.
        m_io.run_sync([this] {
            {
                std::lock_guard lock(m_core->mutex);
                m_core->scheduled = true;
            }
            pump(*m_core);
        });
    }

    Backend backend() const override { return Backend::Sync; }
    u64 in_flight() const override { return m_core->in_flight.load(std::memory_order_acquire); }

private:
    IoThread& m_io;
    std::shared_ptr<SyncCore> m_core;
};

} // namespace

std::unique_ptr<IoEngine> make_sync_engine(IoThread& io, int fd) {
    return std::make_unique<SyncEngine>(io, fd);
}

} // namespace kite::block::detail
