#include "machine/riscv_virt/virt_board.h"

#include "accel/tcg/riscv_vcpu.h"
#include "base/clock.h"
#include "base/log.h"
#include "bus/bus.h"
#include "devices/clint/clint.h"
#include "devices/goldfish_rtc/goldfish_rtc.h"
#include "devices/plic/plic.h"
#include "devices/sifive_test/sifive_test.h"
#include "devices/uart16550/uart16550_device.h"
#include "machine/common/host_files.h"
#include "machine/common/host_limits.h"
#include "machine/common/host_loop.h"
#include "machine/riscv_virt/htif.h"
#include "machine/riscv_virt/virt_boot.h"
#include "machine/riscv_virt/virt_devices.h"
#include "machine/riscv_virt/virt_layout.h"
#include "vcpu/vcpu_thread.h"
#include "virtio/console/virtio_console.h"

namespace kite::machine {
namespace {

using namespace virt;

Result<GuestMemory> build_memory(u64 ram_size) {
    GuestMemory memory;
    TRY(memory.add_region(GuestAddress(kRomBase), kRomSize));
    TRY(memory.add_region(GuestAddress(kRamBase), ram_size));
    return memory;
}

// The board's devices and the MMIO bus they sit on.
struct Devices {
    Bus mmio{"MMIO"};
    Bus pio{"port I/O"}; // RISC-V has none; the vCPU loop's interface wants one
    std::shared_ptr<devices::Clint> clint;
    std::shared_ptr<devices::Plic> plic;
    std::shared_ptr<devices::Uart16550Device> uart;
    std::shared_ptr<devices::GoldfishRtc> rtc;
    std::unique_ptr<VirtioAttacher> virtio;
};

Result<void> attach_devices(Devices& d, const VirtConfig& config, const GuestMemory& memory, IoThread& io,
                            tcg::RiscvVcpu& hart0, CharBackend& console, std::shared_ptr<RunState> state) {
    using riscv::InterruptLine;
    d.clint = std::make_shared<devices::Clint>(
        1, monotonic_ns,
        devices::ClintOutputs{
            .msip = [&hart0](u32, bool level) { hart0.set_interrupt(InterruptLine::MachineSoftware, level); },
            .mtip = [&hart0](u32, bool level) { hart0.set_interrupt(InterruptLine::MachineTimer, level); },
        });
    d.plic = std::make_shared<devices::Plic>(1, [&hart0](u32 context, bool level) {
        hart0.set_interrupt(devices::Plic::is_supervisor_context(context) ? InterruptLine::SupervisorExternal
                                                                          : InterruptLine::MachineExternal,
                            level);
    });
    d.uart = std::make_shared<devices::Uart16550Device>(
        d.plic->irq_line(kUartIrq), [&console](u8 byte) { console.write(std::span<const u8>(&byte, 1)); });
    d.rtc = std::make_shared<devices::GoldfishRtc>(d.plic->irq_line(kRtcIrq));
    auto test = std::make_shared<devices::SifiveTest>([state](devices::SifiveTestEvent event) {
        switch (event.kind) {
        case devices::SifiveTestEvent::Kind::Pass:
            state->request_stop(to_int(ExitStatus::Ok), "guest powered off");
            return;
        case devices::SifiveTestEvent::Kind::Reset:
            state->request_stop(to_int(ExitStatus::Ok), "guest requested a reset");
            return;
        case devices::SifiveTestEvent::Kind::Fail:
            state->request_stop(guest_failure_status(event.code),
                                fmt::format("guest reported failure {}", event.code));
            return;
        }
    });
    TRY(d.mmio.insert(kClintBase, kClintSize, d.clint, "clint"));
    TRY(d.mmio.insert(kPlicBase, kPlicSize, d.plic, "plic"));
    TRY(d.mmio.insert(kUartBase, devices::Uart16550Device::kPortCount, d.uart, "uart0"));
    TRY(d.mmio.insert(kRtcBase, kRtcSize, d.rtc, "goldfish-rtc"));
    TRY(d.mmio.insert(kTestBase, kTestSize, test, "sifive-test"));
    auto placement = TRY(attach_virt_virtio_host(d.mmio, *d.plic));
    d.virtio = std::make_unique<VirtioAttacher>(d.mmio, memory, io, std::move(placement));
    return d.virtio->attach_configured({config.disks, config.nets, config.console});
}

} // namespace

MachineResult<int> run_riscv_virt(const VirtConfig& config) {
    TRY(check_resources(config.cpus, kMaxCpus, config.memory, kMinMemory));
    // Inputs first, so a bad file fails before anything is created.
    auto images = TRY_AS(ExitStatus::Usage, read_boot_images(config));

    GuestMemory memory = TRY_AS(ExitStatus::Usage, build_memory(config.memory));
    auto state = TRY_AS(ExitStatus::GuestFailure, RunState::create());
    auto console = TRY_AS(ExitStatus::Usage, open_serial(config.serial));
    // Host-side device I/O (disks, network, the virtio console's output).
    auto io = TRY_AS(ExitStatus::GuestFailure, IoThread::start());
    Devices devices;

    std::unique_ptr<Htif> htif;
    tcg::RiscvVcpu::Hooks hooks{
        .after_slice =
            [&]() {
                devices.clint->update();
                devices.rtc->update();
                if (htif) {
                    if (auto code = htif->poll())
                        state->request_stop(*code == 0 ? to_int(ExitStatus::Ok) : guest_failure_status(*code),
                                            fmt::format("program reported exit code {} through tohost", *code));
                }
            },
        .wfi_timeout =
            [&]() {
                // The earlier of the CLINT's next timer and the RTC's alarm.
                std::optional<std::chrono::nanoseconds> timeout;
                if (auto deadline = devices.clint->next_deadline_ns()) {
                    u64 now = monotonic_ns();
                    timeout = std::chrono::nanoseconds(*deadline > now ? *deadline - now : 0);
                }
                if (auto alarm = devices.rtc->time_to_alarm_ns())
                    timeout = std::min(timeout.value_or(std::chrono::nanoseconds::max()),
                                       std::chrono::nanoseconds(*alarm));
                return timeout;
            },
    };
    riscv::HartConfig hart_config{.hart_id = 0, .read_time = [&devices] { return devices.clint->mtime(); }};
    auto vcpu = std::make_unique<tcg::RiscvVcpu>(0, memory, devices.mmio, hart_config, hooks);
    // Device setup fails on what the user gave (a disk image, a tap name, a port): usage errors.
    TRY_AS(ExitStatus::Usage, attach_devices(devices, config, memory, *io, *vcpu, *console, state));

    auto boot = TRY_AS(ExitStatus::Usage, load_boot_images(memory, images, config, devices.virtio->mmio_slots()));
    if (config.dump_dtb_path)
        TRY_AS(ExitStatus::Usage, write_file(*config.dump_dtb_path, boot.dtb, "--dump-dtb"));
    if (boot.tohost) {
        htif = std::make_unique<Htif>(memory, *boot.tohost, boot.fromhost, *console);
        log::info("htif: tohost at {:#x}", *boot.tohost);
    }
    auto& hart = vcpu->hart();
    hart.reset(boot.entry);
    hart.state().x[10] = boot.a0;
    hart.state().x[11] = boot.a1;
    hart.state().x[12] = boot.a2;

    std::vector<std::unique_ptr<VcpuThread>> threads;
    IoBuses buses{devices.pio, devices.mmio};
    threads.push_back(std::make_unique<VcpuThread>(std::move(vcpu), buses, state));

    // Terminal input goes to whichever device has stdio: the UART, or the
    // virtio console when --console stdio took it.
    CharBackend* interactive = console.get();
    std::function<void(std::span<const u8>)> to_guest = [&](std::span<const u8> bytes) {
        devices.uart->receive(bytes);
    };
    if (config.console.host.mode == SerialMode::Stdio) {
        interactive = devices.virtio->console_backend();
        to_guest = [&](std::span<const u8> bytes) { devices.virtio->console()->receive(bytes); };
    }
    auto result = run_until_stopped(threads, *state, *interactive, to_guest, {&devices.mmio}, &io->loop());
    // vCPUs are joined: finish host I/O before the devices go away.
    io->stop();
    return result;
}

} // namespace kite::machine
