#include "machine/riscv_virt/virt_machine.h"

#include "base/clock.h"
#include "base/file_io.h"
#include "base/log.h"
#include "devices/clint/clint.h"
#include "devices/goldfish_rtc/goldfish_rtc.h"
#include "devices/plic/plic.h"
#include "devices/sifive_test/sifive_test.h"
#include "devices/uart16550/uart16550_device.h"
#include "machine/common/host_files.h"
#include "machine/common/host_limits.h"
#include "machine/riscv_virt/virt_devices.h"
#include "machine/riscv_virt/virt_layout.h"
#include "virtio/console/virtio_console.h"

namespace kite::machine {

using namespace virt;
using accel::RiscvInterrupt;

RiscvVirtMachine::RiscvVirtMachine(VirtConfig config, AcceleratorFactory accelerator)
    : Machine(accelerator
                  ? std::move(accelerator)
                  : AcceleratorFactory([this]() -> MachineResult<std::unique_ptr<accel::Accelerator>> {
                        return std::make_unique<tcg::TcgAccelerator>(tcg_board());
                    })),
      m_config(std::move(config)) {}

RiscvVirtMachine::~RiscvVirtMachine() = default;

tcg::TcgBoardConfig RiscvVirtMachine::tcg_board() {
    return {
        .mmio = &m_mmio,
        .read_time = [this] { return m_clint->mtime(); },
        .hooks = {.after_slice = [this] { after_slice(); }, .wfi_timeout = [this] { return wfi_timeout(); }},
    };
}

void RiscvVirtMachine::after_slice() {
    m_clint->update();
    m_rtc->update();
    if (!m_htif)
        return;
    if (auto code = m_htif->poll())
        m_state->request_stop(*code == 0 ? to_int(ExitStatus::Ok) : guest_failure_status(*code),
                              fmt::format("program reported exit code {} through tohost", *code));
}

// The earlier of the CLINT's next timer and the RTC's alarm.
std::optional<std::chrono::nanoseconds> RiscvVirtMachine::wfi_timeout() {
    std::optional<std::chrono::nanoseconds> timeout;
    if (auto deadline = m_clint->next_deadline_ns()) {
        u64 now = monotonic_ns();
        timeout = std::chrono::nanoseconds(*deadline > now ? *deadline - now : 0);
    }
    if (auto alarm = m_rtc->time_to_alarm_ns())
        timeout =
            std::min(timeout.value_or(std::chrono::nanoseconds::max()), std::chrono::nanoseconds(*alarm));
    return timeout;
}

MachineResult<void> RiscvVirtMachine::build_board() {
    TRY(check_resources(m_config.cpus, kMaxCpus, m_config.memory, kMinMemory));
    // Inputs first, so a bad file fails before anything is created.
    m_images = TRY_AS(ExitStatus::Usage, read_boot_images(m_config));
    TRY_AS(ExitStatus::Usage, m_memory.add_region(GuestAddress(kRomBase), kRomSize));
    TRY_AS(ExitStatus::Usage, m_memory.add_region(GuestAddress(kRamBase), m_config.memory));
    m_console = TRY_AS(ExitStatus::Usage, open_serial(m_config.serial));
    m_disk_images = TRY_AS(ExitStatus::Usage, open_disk_images(m_config.disks));
    TRY(create_vm(m_config.cpus));
    TRY(create_vcpus(m_config.cpus));
    m_io = TRY_AS(ExitStatus::GuestFailure, IoThread::start());
    // Device setup fails on what the user gave (a disk image, a tap name, a port): usage errors.
    TRY_AS(ExitStatus::Usage, attach_devices());
    return {};
}

Result<void> RiscvVirtMachine::attach_devices() {
    auto raise = [this](u32 hart, RiscvInterrupt line, bool level) {
        vcpu(hart).as_riscv()->set_interrupt(line, level);
    };
    m_clint = std::make_shared<devices::Clint>(
        m_config.cpus, monotonic_ns,
        devices::ClintOutputs{
            .msip = [raise](u32 hart, bool level) { raise(hart, RiscvInterrupt::MachineSoftware, level); },
            .mtip = [raise](u32 hart, bool level) { raise(hart, RiscvInterrupt::MachineTimer, level); },
        });
    // Two contexts per hart: M-mode, then S-mode.
    m_plic = std::make_shared<devices::Plic>(m_config.cpus, [raise](u32 context, bool level) {
        raise(context / 2,
              devices::Plic::is_supervisor_context(context) ? RiscvInterrupt::SupervisorExternal
                                                            : RiscvInterrupt::MachineExternal,
              level);
    });
    CharBackend* console = m_console.get();
    m_uart = std::make_shared<devices::Uart16550Device>(
        m_plic->irq_line(kUartIrq), [console](u8 byte) { console->write(std::span<const u8>(&byte, 1)); });
    m_rtc = std::make_shared<devices::GoldfishRtc>(m_plic->irq_line(kRtcIrq));
    auto state = m_state;
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
    TRY(m_mmio.insert(kClintBase, kClintSize, m_clint, "clint"));
    TRY(m_mmio.insert(kPlicBase, kPlicSize, m_plic, "plic"));
    TRY(m_mmio.insert(kUartBase, devices::Uart16550Device::kPortCount, m_uart, "uart0"));
    TRY(m_mmio.insert(kRtcBase, kRtcSize, m_rtc, "goldfish-rtc"));
    TRY(m_mmio.insert(kTestBase, kTestSize, test, "sifive-test"));
    TRY(m_registry.add("uart0", m_uart));
    auto placement = TRY(attach_virt_virtio_host(m_mmio, *m_plic));
    m_virtio = std::make_unique<VirtioAttacher>(m_mmio, m_memory, *m_io, std::move(placement));
    return m_virtio->attach_configured(
        {m_config.disks, m_config.nets, m_config.console, std::move(m_disk_images)});
}

MachineResult<void> RiscvVirtMachine::boot_board() {
    auto boot =
        TRY_AS(ExitStatus::Usage, load_boot_images(m_memory, m_images, m_config, m_virtio->mmio_slots()));
    m_images = {};
    if (m_config.dump_dtb_path)
        TRY_AS(ExitStatus::Usage, write_file(*m_config.dump_dtb_path, boot.dtb, "--dump-dtb"));
    if (boot.tohost) {
        m_htif = std::make_unique<Htif>(m_memory, *boot.tohost, boot.fromhost, *m_console);
        log::info("htif: tohost at {:#x}", *boot.tohost);
    }
    accel::RiscvEntryState entry{.pc = boot.entry, .a0 = boot.a0, .a1 = boot.a1, .a2 = boot.a2};
    TRY_AS(ExitStatus::AcceleratorFailed, vcpu(0).as_riscv()->set_entry_state(entry));
    return {};
}

ConsoleBinding RiscvVirtMachine::console_binding() {
    return m_virtio->console_binding(*m_console,
                                     [this](std::span<const u8> bytes) { m_uart->receive(bytes); });
}

void RiscvVirtMachine::after_run() {
    // vCPUs are joined: finish host I/O before the devices go away.
    m_io->stop();
}

} // namespace kite::machine
