#pragma once

#include "base/types.h"
#include "event/event_loop.h"

#include <atomic>
#include <mutex>
#include <string>

namespace kite {

// Kite's process exit statuses. Debug-exit statuses ((v << 1) | 1) are always
// odd, so every status Kite itself chooses is even.
enum class ExitStatus : int {
    Ok = 0,                     // guest shut down, or the user quit
    Usage = 2,                  // bad command line or input file
    AcceleratorUnavailable = 4, // no usable /dev/kvm: cannot open it, API version, missing capability
    GuestFailure = 6,           // unexpected vCPU exit, internal error
    AcceleratorFailed = 8,      // a KVM call failed on a KVM that looked usable (not a guest exit)
};

constexpr int to_int(ExitStatus s) {
    return static_cast<int>(s);
}

// The exit status for a failure code a guest reports (HTIF, the SiFive test
// device). Exit statuses are 8 bits: codes 1..255 are kept, and every other
// code (0, or one the kernel would truncate to 0 such as 256) becomes 255, so
// a reported failure never exits 0.
constexpr int guest_failure_status(u64 code) {
    return code >= 1 && code <= 255 ? static_cast<int>(code) : 255;
}

// Shared by vCPU threads, devices and the main loop: the first stop request
// wins and decides the exit status; the main loop is woken through an eventfd.
class RunState {
public:
    static Result<std::shared_ptr<RunState>> create();

    void request_stop(int status, std::string reason);
    bool stopping() const { return m_stopping.load(std::memory_order_acquire); }
    int status() const;
    std::string reason() const;
    int wake_fd() const { return m_wake.fd(); }

private:
    explicit RunState(EventFd wake) : m_wake(std::move(wake)) {}

    std::atomic<bool> m_stopping{false};
    mutable std::mutex m_mutex;
    int m_status{0};
    std::string m_reason;
    EventFd m_wake;
};

} // namespace kite
