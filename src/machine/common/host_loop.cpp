#include "machine/common/host_loop.h"

#include "base/log.h"
#include "event/event_loop.h"
#include "machine/common/process_setup.h"

#include <chrono>
#include <csignal>
#include <future>
#include <cstring>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>
#include <vector>

namespace kite::machine {

Result<UniqueFd> termination_signalfd() {
    sigset_t set = termination_signals();
    // Normally blocked since prepare_process(); blocking again costs nothing.
    if (pthread_sigmask(SIG_BLOCK, &set, nullptr) != 0)
        return error("pthread_sigmask failed");
    UniqueFd fd(::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
    if (!fd)
        return errno_error("signalfd");
    return fd;
}

namespace {

// The I/O thread's loop outlives run_host_loop's frame, which its input
// callback refers to: unregister the input, then wait until a callback that may
// be running has returned (bounded, in case that loop has already stopped).
void detach_input(EventLoop& loop, int fd) {
    (void)loop.remove(fd);
    auto done = std::make_shared<std::promise<void>>();
    auto finished = done->get_future();
    loop.post([done] { done->set_value(); });
    finished.wait_for(std::chrono::seconds(1));
}

} // namespace

Result<void> run_host_loop(RunState& state, CharBackend& console, int signal_fd,
                           const std::function<void(std::span<const u8>)>& to_guest, EventLoop* input_loop) {
    auto loop = TRY(EventLoop::create());
    EventLoop& in_loop = input_loop ? *input_loop : loop;
    TRY(loop.add(state.wake_fd(), EPOLLIN, [&](u32) { loop.stop(); }));
    TRY(loop.add(signal_fd, EPOLLIN, [&](u32) {
        signalfd_siginfo info{};
        if (::read(signal_fd, &info, sizeof(info)) == sizeof(info))
            state.request_stop(
                128 + static_cast<int>(info.ssi_signo),
                fmt::format("received signal {}", strsignal(static_cast<int>(info.ssi_signo))));
    }));
    int input = console.input_fd();
    if (input >= 0) {
        auto added = in_loop.add(input, EPOLLIN, [&, input](u32) {
            std::vector<u8> bytes;
            switch (console.read_input(bytes)) {
            case InputEvent::Data:
                to_guest(bytes);
                break;
            case InputEvent::Quit:
                state.request_stop(to_int(ExitStatus::Ok), "quit from the serial console (Ctrl-A x)");
                break;
            case InputEvent::Eof:
                (void)in_loop.remove(input);
                break;
            case InputEvent::None:
                break;
            }
        });
        // Regular files and /dev/null cannot be polled (EPERM): there is no
        // interactive input to wait for, so the guest simply gets none.
        if (!added && added.error().code() != EPERM)
            return std::unexpected(added.error());
    }
    Result<void> result;
    while (!state.stopping() && result)
        result = loop.run_once(-1);
    if (input_loop && input >= 0)
        detach_input(*input_loop, input);
    return result;
}

MachineResult<int> run_until_stopped(std::vector<std::unique_ptr<VcpuThread>>& threads, RunState& state,
                                     CharBackend& console,
                                     const std::function<void(std::span<const u8>)>& to_guest,
                                     std::initializer_list<const Bus*> buses, EventLoop* input_loop) {
    UniqueFd signal_fd = TRY_AS(ExitStatus::GuestFailure, termination_signalfd());
    TRY_AS(ExitStatus::GuestFailure, VcpuThread::install_kick_handler());
    for (auto& t : threads)
        TRY_AS(ExitStatus::GuestFailure, t->start());

    auto loop_result = run_host_loop(state, console, signal_fd.get(), to_guest, input_loop);
    if (!loop_result)
        state.request_stop(to_int(ExitStatus::GuestFailure), loop_result.error().message());
    for (auto& t : threads)
        t->kick();
    for (auto& t : threads)
        t->join();

    log::info("{}", state.reason());
    for (const Bus* bus : buses) {
        if (bus->unhandled_count())
            log::info("{} bus: {} unhandled accesses", bus->name(), bus->unhandled_count());
    }
    for (ExitStatus failure : {ExitStatus::GuestFailure, ExitStatus::AcceleratorFailed}) {
        if (state.status() == to_int(failure))
            return fail(failure, Error::format("{}", state.reason()));
    }
    return state.status();
}

} // namespace kite::machine
