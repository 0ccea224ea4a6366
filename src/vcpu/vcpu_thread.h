#pragma once

#include "accel/accelerator.h"
#include "vcpu/exit_handler.h"

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

namespace kite {

// Runs one vCPU on its own host thread, named kite-vcpuN, looping on run()
// and handle_exit() until the RunState says stop. Between two run() calls it
// can be held paused (snapshots, device changes) and let go again.
class VcpuThread {
public:
    VcpuThread(std::unique_ptr<accel::Vcpu> vcpu, IoBuses buses, std::shared_ptr<RunState> state);
    ~VcpuThread();
    VcpuThread(const VcpuThread&) = delete;
    VcpuThread& operator=(const VcpuThread&) = delete;

    Result<void> start();
    // Makes the thread leave KVM_RUN (immediate_exit + a signal) so it sees the stop.
    void kick();
    void join();

    // Asks the thread to stop between two run() calls and wait there;
    // wait_paused() returns once it does (or has ended). resume() lets it go on.
    void request_pause();
    void wait_paused();
    void resume();
    bool paused() const;

    accel::Vcpu& vcpu() { return *m_vcpu; }

    // Must be called once before any thread starts: installs the no-op handler of
    // the kick signal (without SA_RESTART so KVM_RUN returns EINTR).
    static Result<void> install_kick_handler();

private:
    void loop();
    // Blocks while a pause is requested (and the machine is not stopping).
    void hold_if_paused();

    std::unique_ptr<accel::Vcpu> m_vcpu;
    IoBuses m_buses;
    std::shared_ptr<RunState> m_state;
    std::thread m_thread;

    mutable std::mutex m_pause_mutex;
    std::condition_variable m_pause_changed;
    bool m_pause_requested{false};
    bool m_paused{false};
    bool m_running{false};
};

} // namespace kite
