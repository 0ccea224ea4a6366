#include "machine/common/process_setup.h"

#include "chardev/char_backend.h"

#include <cerrno>
#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

namespace kite::machine {
namespace {

Result<void> fill_standard_fds() {
    for (int fd = 0; fd <= 2; ++fd) {
        if (::fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
            continue;
        // open() returns the lowest free fd: this one.
        int opened = ::open("/dev/null", O_RDWR);
        if (opened < 0)
            return errno_error("open /dev/null for a closed standard fd");
        if (opened != fd) {
            ::close(opened);
            return error("open /dev/null for fd {} gave fd {}", fd, opened);
        }
    }
    return {};
}

void on_fatal_signal(int signo) {
    restore_terminal();
    std::signal(signo, SIG_DFL);
    std::raise(signo);
}

} // namespace

sigset_t termination_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    return set;
}

Result<void> prepare_process() {
    TRY(fill_standard_fds());
    sigset_t set = termination_signals();
    if (int err = pthread_sigmask(SIG_BLOCK, &set, nullptr); err != 0)
        return std::unexpected(Error::from_errno("block the termination signals", err));
    std::signal(SIGPIPE, SIG_IGN);
    for (int signo : {SIGQUIT, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT}) {
        struct sigaction sa {};
        sa.sa_handler = on_fatal_signal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESETHAND;
        if (::sigaction(signo, &sa, nullptr) != 0)
            return errno_error("sigaction");
    }
    return {};
}

} // namespace kite::machine
