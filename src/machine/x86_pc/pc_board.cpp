#include "machine/x86_pc/pc_board.h"

#include "accel/kvm/kvm_system.h"
#include "base/log.h"
#include "boot/x86_loader.h"
#include "bus/bus.h"
#include "chardev/char_backend.h"
#include "devices/debug_exit/debug_exit.h"
#include "devices/i8042/i8042.h"
#include "devices/parallel/parallel_port.h"
#include "devices/post_code/post_code.h"
#include "devices/testdev/testdev.h"
#include "devices/uart16550/uart16550_device.h"
#include "machine/common/host_files.h"
#include "machine/common/host_limits.h"
#include "machine/common/host_loop.h"
#include "machine/x86_pc/pc_acpi.h"
#include "machine/x86_pc/pc_power.h"
#include "vcpu/vcpu_thread.h"

#include <vector>

namespace kite::machine {
namespace {

Result<GuestMemory> build_memory(u64 size) {
    GuestMemory memory;
    auto ram = pc::ram_layout(size);
    TRY(memory.add_region(GuestAddress(0), ram.low));
    if (ram.high)
        TRY(memory.add_region(GuestAddress(pc::kHighRamStart), ram.high));
    return memory;
}

// The devices of the board and the buses they sit on.
struct Devices {
    Bus pio{"port I/O"};
    Bus mmio{"MMIO"};
    std::shared_ptr<devices::Uart16550Device> com1;
    PcPower power;
};

// Port 0x80 and LPT1 are safe next to KVM's in-kernel PIC, PIT and IOAPIC,
// which leave those ports to user space. LPT1 exists only with --parallel.
Result<void> attach_legacy_ports(Bus& pio, accel::Vm& vm, CharBackend* parallel) {
    TRY(devices::PostCode::attach(pio, std::make_shared<devices::PostCode>()));
    if (!parallel)
        return {};
    auto irq = TRY(vm.irq_line(pc::kLpt1Irq));
    auto lpt1 = std::make_shared<devices::ParallelPort>(
        irq, [parallel](u8 byte) { parallel->write(std::span<const u8>(&byte, 1)); });
    return devices::ParallelPort::attach(pio, pc::kLpt1Port, std::move(lpt1));
}

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
    TRY(devices::I8042::attach(d.pio, pc::kI8042Port, std::make_shared<devices::I8042>([state] {
                                   state->request_stop(to_int(ExitStatus::Ok), "guest reset through the i8042");
                               })));
    TRY(d.pio.insert(pc::kTestDevPort, devices::TestDevPort::kLength,
                     std::make_shared<devices::TestDevPort>(), "testdev"));
    TRY(d.mmio.insert(pc::kTestDevMmio, devices::TestDevMmio::kLength,
                      std::make_shared<devices::TestDevMmio>(), "testdev-mmio"));
    d.power = TRY(attach_pc_power(d.pio, TRY(vm.irq_line(pc_acpi::kSciIrq)), state));
    TRY(d.pio.insert(pc_acpi::kResetPort, 1, d.power.reset_device, "reset-control"));
    return {};
}

// Status 4 only when the host has no usable KVM; any other failure is status 8.
MachineResult<std::unique_ptr<kvm::KvmSystem>> open_kvm(const std::string& path) {
    auto kvm = kvm::KvmSystem::open(path);
    if (kvm)
        return std::move(*kvm);
    auto& failure = kvm.error();
    if (failure.unavailable)
        return fail(ExitStatus::AcceleratorUnavailable,
                    std::move(failure.error).with_context(kKvmUnavailable));
    return fail(ExitStatus::AcceleratorFailed, std::move(failure.error).with_context("kvm"));
}

} // namespace

MachineResult<int> run_pc(const PcConfig& config) {
    TRY(check_resources(config.cpus, pc::kMaxCpus, config.memory, pc::kMinMemory));
    if (config.dump_acpi_dir)
        TRY_AS(ExitStatus::Usage, dump_pc_acpi(config, *config.dump_acpi_dir));

    // Inputs first, so a bad path fails before anything is created.
    std::vector<u8> kernel =
        TRY_AS(ExitStatus::Usage, read_file(config.kernel_path, config.memory, "kernel"));
    boot::X86BootConfig boot_config;
    boot_config.cmdline = config.cmdline;
    if (config.initrd_path) {
        auto data = TRY_AS(ExitStatus::Usage, read_file(*config.initrd_path, config.memory, "initrd"));
        boot_config.modules.push_back({*config.initrd_path, std::move(data)});
    }
    std::unique_ptr<CharBackend> parallel;
    if (config.parallel.mode != SerialMode::None)
        parallel = TRY_AS(ExitStatus::Usage, open_serial(config.parallel));

    // The kernel goes into RAM before KVM is opened, so a bad kernel or
    // initrd is a usage error whatever the host's KVM can do. The ACPI
    // tables go first, announced in the memory map and by the RSDP address
    // (Linux's zero page, PVH's start_info).
    GuestMemory memory = TRY_AS(ExitStatus::Usage, build_memory(config.memory));
    auto acpi_tables = TRY_AS(ExitStatus::Usage, build_pc_acpi(config));
    boot_config.extra_memory.push_back(TRY_AS(ExitStatus::Usage, write_pc_acpi(memory, acpi_tables)));
    boot_config.acpi_rsdp = acpi_tables.rsdp_address;
    auto loaded = TRY_AS(ExitStatus::Usage, boot::load_x86_kernel(memory, kernel, boot_config));
    log::info("loaded {} kernel, entry {:#x}, boot structures at {:#x}", loaded.format, loaded.entry.rip,
              loaded.boot_area);
    if (loaded.initrd)
        log::info("initrd at {:#x}", *loaded.initrd);
    kernel.clear();
    kernel.shrink_to_fit();
    boot_config.modules.clear();

    auto kvm = TRY(open_kvm(config.kvm_device));
    if (config.cpus > kvm->capabilities().max_vcpus)
        return fail(ExitStatus::Usage, Error::format("--cpus {}: the host's KVM allows at most {}",
                                                     config.cpus, kvm->capabilities().max_vcpus));
    auto vm = TRY_AS(ExitStatus::AcceleratorFailed, kvm->create_vm({.vcpu_count = config.cpus}));
    TRY_AS(ExitStatus::AcceleratorFailed, vm->map_memory(memory));

    auto state = TRY_AS(ExitStatus::GuestFailure, RunState::create());
    auto serial = TRY_AS(ExitStatus::Usage, open_serial(config.serial));
    Devices devices;
    TRY_AS(ExitStatus::GuestFailure, attach_devices(devices, *vm, *serial, state));
    TRY_AS(ExitStatus::GuestFailure, attach_legacy_ports(devices.pio, *vm, parallel.get()));

    std::vector<std::unique_ptr<VcpuThread>> threads;
    IoBuses buses{devices.pio, devices.mmio};
    for (u32 i = 0; i < config.cpus; ++i) {
        auto vcpu = TRY_AS(ExitStatus::AcceleratorFailed, vm->create_vcpu(i));
        // The others wait for INIT/SIPI from the boot CPU, as on real hardware.
        if (i == 0)
            TRY_AS(ExitStatus::AcceleratorFailed, vm->set_x86_entry_state(*vcpu, loaded.entry));
        threads.push_back(std::make_unique<VcpuThread>(std::move(vcpu), buses, state));
    }

    return run_until_stopped(threads, *state, *serial,
                             [&](std::span<const u8> bytes) { devices.com1->receive(bytes); },
                             {&devices.pio, &devices.mmio});
}

} // namespace kite::machine
