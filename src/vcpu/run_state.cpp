#include "vcpu/run_state.h"

namespace kite {

Result<std::shared_ptr<RunState>> RunState::create() {
    auto wake = TRY(EventFd::create());
    return std::shared_ptr<RunState>(new RunState(std::move(wake)));
}

void RunState::request_stop(int status, std::string reason) {
    {
        std::lock_guard lock(m_mutex);
        if (m_stopping.load(std::memory_order_relaxed))
            return;
        m_status = status;
        m_reason = std::move(reason);
        m_stopping.store(true, std::memory_order_release);
    }
    m_wake.signal();
}

int RunState::status() const {
    std::lock_guard lock(m_mutex);
    return m_status;
}

std::string RunState::reason() const {
    std::lock_guard lock(m_mutex);
    return m_reason;
}

} // namespace kite
