#include "machine/x86_pc/pc_board.h"

#include "accel/kvm/kvm_system.h"
#include "base/log.h"
#include "boot/x86_loader.h"
#include "bus/bus.h"
#include "chardev/char_backend.h"
#include "devices/debug_exit/debug_exit.h"
#include "devices/i8042/i8042.h"
#include "devices/testdev/testdev.h"
#include "devices/uart16550/uart16550_device.h"
#include "event/event_loop.h"
#include "machine/x86_pc/file_reader.h"
#include "machine/x86_pc/host_limits.h"
#include "vcpu/vcpu_thread.h"

#include <csignal>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>
#include <vector>

namespace kite::machine {
namespace {

std::unexpected<MachineFailure> fail(ExitStatus status, Error error) {
    return std::unexpected(MachineFailure{status, std::move(error)});
}

// Converts a Result's error into a MachineFailure of the given status.
#define TRY_AS(status, expr)                                                                                 \
    ({                                                                                                       \
        auto _kite_r = (expr);                                                                               \
        if (!_kite_r) [[unlikely]]                                                                           \
            return fail(status, std::move(_kite_r).error());                                                 \
        std::move(_kite_r).value();                                                                          \
    })

MachineResult<void> validate(const PcConfig& config) {
    if (config.cpus == 0 || config.cpus > pc::kMaxCpus)
        return fail(ExitStatus::Usage,
                    Error::format("--cpus {}: must be between 1 and {}", config.cpus, pc::kMaxCpus));
    if (config.memory < pc::kMinMemory)
        return fail(ExitStatus::Usage, Error::format("--memory: {} KiB is too small (at least {} MiB)",
                                                     config.memory / KiB, pc::kMinMemory / MiB));
    u64 host = host_memory_bytes();
    if (host != 0 && config.memory > host)
        return fail(ExitStatus::Usage, Error::format("--memory: {} MiB is more than the host's {} MiB of RAM",
                                                     config.memory / MiB, host / MiB));
    return {};
}

Result<GuestMemory> build_memory(u64 size) {
    GuestMemory memory;
    u64 low = std::min(size, pc::kLowRamEnd);
    TRY(memory.add_region(GuestAddress(0), low));
    if (size > low)
        TRY(memory.add_region(GuestAddress(pc::kHighRamStart), size - low));
    return memory;
}

Result<std::unique_ptr<CharBackend>> open_serial(const SerialConfig& serial) {
    switch (serial.mode) {
    case SerialMode::Stdio:
        return open_stdio_backend();
    case SerialMode::File:
        return open_file_backend(serial.path);
    case SerialMode::None:
        return open_null_backend();
    }
    return error("unknown serial mode");
}

// Blocks the termination signals in this thread (and so in every thread started
// after it) and returns a signalfd that receives them in the main loop instead.
Result<UniqueFd> termination_signalfd() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    if (pthread_sigmask(SIG_BLOCK, &set, nullptr) != 0)
        return error("pthread_sigmask failed");
    UniqueFd fd(::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
    if (!fd)
        return errno_error("signalfd");
    return fd;
}

// The devices of the board and the buses they sit on.
struct Devices {
    Bus pio{"port I/O"};
    Bus mmio{"MMIO"};
    std::shared_ptr<devices::Uart16550Device> com1;
};

Result<void> attach_devices(Devices& d, accel::Vm& vm, CharBackend& serial, std::shared_ptr<RunState> state) {
    auto com1_irq = TRY(vm.irq_line(pc::kCom1Irq));
    d.com1 = std::make_shared<devices::Uart16550Device>(
        com1_irq, [&serial](u8 byte) { serial.write(std::span<const u8>(&byte, 1)); });
    TRY(d.pio.insert(pc::kCom1Port, devices::Uart16550Device::kPortCount, d.com1, "com1"));
    TRY(d.pio.insert(pc::kDebugExitPort, devices::DebugExit::kLength,
                     std::make_shared<devices::DebugExit>([state](int status) {
                         state->request_stop(
                             status, fmt::format("guest wrote to isa-debug-exit (status {})", status));
                     }),
                     "isa-debug-exit"));
    TRY(d.pio.insert(pc::kI8042Port, devices::I8042::kLength, std::make_shared<devices::I8042>([state] {
                         state->request_stop(to_int(ExitStatus::Ok), "guest reset through the i8042");
                     }),
                     "i8042"));
    TRY(d.pio.insert(pc::kTestDevPort, devices::TestDevPort::kLength,
                     std::make_shared<devices::TestDevPort>(), "testdev"));
    TRY(d.mmio.insert(pc::kTestDevMmio, devices::TestDevMmio::kLength,
                      std::make_shared<devices::TestDevMmio>(), "testdev-mmio"));
    return {};
}

// Runs the host side until the RunState says stop: serial input, signals.
Result<void> run_main_loop(RunState& state, CharBackend& serial, devices::Uart16550Device& com1,
                           int signal_fd) {
    auto loop = TRY(EventLoop::create());
    TRY(loop.add(state.wake_fd(), EPOLLIN, [&](u32) { loop.stop(); }));
    TRY(loop.add(signal_fd, EPOLLIN, [&](u32) {
        signalfd_siginfo info{};
        if (::read(signal_fd, &info, sizeof(info)) == sizeof(info))
            state.request_stop(
                128 + static_cast<int>(info.ssi_signo),
                fmt::format("received signal {}", strsignal(static_cast<int>(info.ssi_signo))));
    }));
    int input = serial.input_fd();
    if (input >= 0) {
        auto added = loop.add(input, EPOLLIN, [&](u32) {
            std::vector<u8> bytes;
            switch (serial.read_input(bytes)) {
            case InputEvent::Data:
                com1.receive(bytes);
                break;
            case InputEvent::Quit:
                state.request_stop(to_int(ExitStatus::Ok), "quit from the serial console (Ctrl-A x)");
                break;
            case InputEvent::Eof:
                (void)loop.remove(input);
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
    while (!state.stopping())
        TRY(loop.run_once(-1));
    return {};
}

} // namespace

MachineResult<int> run_pc(const PcConfig& config) {
    TRY(validate(config));

    // Inputs first, so a bad path fails before anything is created.
    std::vector<u8> kernel =
        TRY_AS(ExitStatus::Usage, read_file(config.kernel_path, config.memory, "kernel"));
    boot::X86BootConfig boot_config;
    boot_config.cmdline = config.cmdline;
    if (config.initrd_path) {
        auto data = TRY_AS(ExitStatus::Usage, read_file(*config.initrd_path, config.memory, "initrd"));
        boot_config.modules.push_back({*config.initrd_path, std::move(data)});
    }

    auto kvm = TRY_AS(ExitStatus::AcceleratorUnavailable, kvm::KvmSystem::open());
    auto vm = TRY_AS(ExitStatus::AcceleratorUnavailable, kvm->create_vm({.vcpu_count = config.cpus}));
    GuestMemory memory = TRY_AS(ExitStatus::Usage, build_memory(config.memory));
    TRY_AS(ExitStatus::AcceleratorUnavailable, vm->map_memory(memory));

    auto loaded = TRY_AS(ExitStatus::Usage, boot::load_x86_kernel(memory, kernel, boot_config));
    log::info("loaded {} kernel, entry {:#x}", loaded.format, loaded.entry.rip);
    kernel.clear();
    kernel.shrink_to_fit();

    auto state = TRY_AS(ExitStatus::GuestFailure, RunState::create());
    auto serial = TRY_AS(ExitStatus::Usage, open_serial(config.serial));
    Devices devices;
    TRY_AS(ExitStatus::GuestFailure, attach_devices(devices, *vm, *serial, state));

    std::vector<std::unique_ptr<VcpuThread>> threads;
    IoBuses buses{devices.pio, devices.mmio};
    for (u32 i = 0; i < config.cpus; ++i) {
        auto vcpu = TRY_AS(ExitStatus::AcceleratorUnavailable, vm->create_vcpu(i));
        // The others wait for INIT/SIPI from the boot CPU, as on real hardware.
        if (i == 0)
            TRY_AS(ExitStatus::AcceleratorUnavailable, vm->set_x86_entry_state(*vcpu, loaded.entry));
        threads.push_back(std::make_unique<VcpuThread>(std::move(vcpu), buses, state));
    }

    UniqueFd signal_fd = TRY_AS(ExitStatus::GuestFailure, termination_signalfd());
    TRY_AS(ExitStatus::GuestFailure, VcpuThread::install_kick_handler());
    for (auto& t : threads)
        TRY_AS(ExitStatus::GuestFailure, t->start());

    auto loop_result = run_main_loop(*state, *serial, *devices.com1, signal_fd.get());
    if (!loop_result)
        state->request_stop(to_int(ExitStatus::GuestFailure), loop_result.error().message());
    for (auto& t : threads)
        t->kick();
    for (auto& t : threads)
        t->join();

    log::info("{}", state->reason());
    if (devices.pio.unhandled_count() || devices.mmio.unhandled_count())
        log::info("unhandled accesses: {} port I/O, {} MMIO", devices.pio.unhandled_count(),
                  devices.mmio.unhandled_count());
    if (state->status() == to_int(ExitStatus::GuestFailure))
        return fail(ExitStatus::GuestFailure, Error::format("{}", state->reason()));
    return state->status();
}

} // namespace kite::machine
