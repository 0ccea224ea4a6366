#include "vcpu/vcpu_thread.h"

#include "base/log.h"
#include "base/thread_name.h"

#include <csignal>
#include <pthread.h>

namespace kite {
namespace {

const int kKickSignal = SIGUSR1;

void on_kick(int) {}

} // namespace

Result<void> VcpuThread::install_kick_handler() {
    struct sigaction sa {};
    sa.sa_handler = on_kick;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; // no SA_RESTART: KVM_RUN must return EINTR
    if (::sigaction(kKickSignal, &sa, nullptr) != 0)
        return errno_error("sigaction for the vCPU kick signal");
    return {};
}

VcpuThread::VcpuThread(std::unique_ptr<accel::Vcpu> vcpu, IoBuses buses, std::shared_ptr<RunState> state)
    : m_vcpu(std::move(vcpu)), m_buses(buses), m_state(std::move(state)) {}

VcpuThread::~VcpuThread() {
    if (m_thread.joinable()) {
        kick();
        join();
    }
}

Result<void> VcpuThread::start() {
    {
        std::lock_guard lock(m_pause_mutex);
        m_running = true;
    }
    m_thread = std::thread([this] { loop(); });
    return {};
}

void VcpuThread::kick() {
    m_vcpu->request_exit();
    if (m_thread.joinable())
        pthread_kill(m_thread.native_handle(), kKickSignal);
    // A paused thread waits on the condition variable, not in run().
    std::lock_guard lock(m_pause_mutex);
    m_pause_changed.notify_all();
}

void VcpuThread::request_pause() {
    {
        std::lock_guard lock(m_pause_mutex);
        m_pause_requested = true;
    }
    kick();
}

void VcpuThread::wait_paused() {
    std::unique_lock lock(m_pause_mutex);
    m_pause_changed.wait(lock, [&] { return m_paused || !m_running; });
}

void VcpuThread::resume() {
    std::lock_guard lock(m_pause_mutex);
    m_pause_requested = false;
    m_pause_changed.notify_all();
}

bool VcpuThread::paused() const {
    std::lock_guard lock(m_pause_mutex);
    return m_paused;
}

void VcpuThread::hold_if_paused() {
    std::unique_lock lock(m_pause_mutex);
    if (!m_pause_requested)
        return;
    m_paused = true;
    m_pause_changed.notify_all();
    m_pause_changed.wait(lock, [&] { return !m_pause_requested || m_state->stopping(); });
    m_paused = false;
}

void VcpuThread::join() {
    if (m_thread.joinable())
        m_thread.join();
}

void VcpuThread::loop() {
    set_current_thread_name(fmt::format("kite-vcpu{}", m_vcpu->index()));
    // The main thread blocks termination signals for its signalfd; the kick
    // signal must reach this thread.
    sigset_t unblock;
    sigemptyset(&unblock);
    sigaddset(&unblock, kKickSignal);
    pthread_sigmask(SIG_UNBLOCK, &unblock, nullptr);

    while (!m_state->stopping()) {
        hold_if_paused();
        if (m_state->stopping())
            break;
        auto exit = m_vcpu->run();
        if (!exit) {
            // Not an exit of the guest's making: the accelerator call itself failed.
            m_state->request_stop(to_int(ExitStatus::AcceleratorFailed),
                                  fmt::format("vCPU {}: {}", m_vcpu->index(), exit.error().message()));
            break;
        }
        ExitOutcome outcome = handle_exit(*exit, m_buses);
        if (outcome.action == ExitOutcome::Action::Stop) {
            if (outcome.dump_state)
                log::error("vCPU {}: {}\n{}", m_vcpu->index(), outcome.reason, m_vcpu->describe_state());
            m_state->request_stop(outcome.status, outcome.reason);
            break;
        }
    }
    std::lock_guard lock(m_pause_mutex);
    m_running = false;
    m_pause_changed.notify_all();
}

} // namespace kite
