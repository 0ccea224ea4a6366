#pragma once

#include "accel/accelerator.h"
#include "vcpu/exit_handler.h"

#include <memory>
#include <thread>

namespace kite {

// Runs one vCPU on its own host thread, named kite-vcpuN, looping on run()
// and handle_exit() until the RunState says stop.
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

    // Must be called once before any thread starts: installs the no-op handler of
    // the kick signal (without SA_RESTART so KVM_RUN returns EINTR).
    static Result<void> install_kick_handler();

private:
    void loop();

    std::unique_ptr<accel::Vcpu> m_vcpu;
    IoBuses m_buses;
    std::shared_ptr<RunState> m_state;
    std::thread m_thread;
};

} // namespace kite
