#include "machine/x86_pc/pc_board.h"

#include "accel/x86_vcpu.h"
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
#include "machine/x86_pc/pc_accel.h"
#include "machine/x86_pc/pc_acpi.h"
#include "machine/x86_pc/pc_machine.h"
#include "machine/x86_pc/pc_pci.h"
#include "machine/x86_pc/pc_power.h"

#include <array>
#include <vector>

namespace kite::machine {

PcMachine::PcMachine(PcConfig config, AcceleratorFactory accelerator)
    : Machine(std::move(accelerator)), m_config(std::move(config)) {}

PcMachine::~PcMachine() = default;

// Port 0x80 and LPT1 are safe next to KVM's in-kernel PIC, PIT and IOAPIC,
// which leave those ports to user space. LPT1 exists only with --parallel.
Result<void> PcMachine::attach_legacy_ports() {
    TRY(devices::PostCode::attach(m_pio, std::make_shared<devices::PostCode>()));
    if (!m_parallel)
        return {};
    auto irq = TRY(vm().irq_line(pc::kLpt1Irq));
    CharBackend* parallel = m_parallel.get();
    auto lpt1 = std::make_shared<devices::ParallelPort>(
        irq, [parallel](u8 byte) { parallel->write(std::span<const u8>(&byte, 1)); });
    return devices::ParallelPort::attach(m_pio, pc::kLpt1Port, std::move(lpt1));
}

Result<void> PcMachine::attach_devices() {
    auto state = m_state;
    auto com1_irq = TRY(vm().irq_line(pc::kCom1Irq));
    CharBackend* serial = m_serial.get();
    m_com1 = std::make_shared<devices::Uart16550Device>(
        com1_irq, [serial](u8 byte) { serial->write(std::span<const u8>(&byte, 1)); });
    TRY(m_pio.insert(pc::kCom1Port, devices::Uart16550Device::kPortCount, m_com1, "com1"));
    TRY(m_registry.add("com1", m_com1));
    TRY(m_pio.insert(pc::kDebugExitPort, devices::DebugExit::kLength,
                     std::make_shared<devices::DebugExit>([state](int status) {
                         state->request_stop(
                             status, fmt::format("guest wrote to isa-debug-exit (status {})", status));
                     }),
                     "isa-debug-exit"));
    TRY(devices::I8042::attach(m_pio, pc::kI8042Port, std::make_shared<devices::I8042>([state] {
                                   state->request_stop(to_int(ExitStatus::Ok), "guest reset through the i8042");
                               })));
    TRY(m_pio.insert(pc::kTestDevPort, devices::TestDevPort::kLength,
                     std::make_shared<devices::TestDevPort>(), "testdev"));
    TRY(m_mmio.insert(pc::kTestDevMmio, devices::TestDevMmio::kLength,
                      std::make_shared<devices::TestDevMmio>(), "testdev-mmio"));
    m_power = TRY(attach_pc_power(m_pio, TRY(vm().irq_line(pc_acpi::kSciIrq)), state));
    // The PCI configuration ports own 0xCF8-0xCFF, the reset register at 0xCF9 included.
    std::array<std::shared_ptr<IrqLine>, 4> intx;
    for (u32 i = 0; i < intx.size(); ++i)
        intx[i] = TRY(vm().irq_line(pc_acpi::kPciFirstGsi + i));
    m_pci = TRY(attach_pc_pci_host(m_pio, m_mmio, intx, m_power.reset_device));
    return {};
}

// The virtio devices the command line asks for, on PCI, with their BARs
// placed as firmware would.
Result<void> PcMachine::attach_virtio() {
    m_virtio = std::make_unique<VirtioAttacher>(m_mmio, m_memory, *m_io,
                                                pc_virtio_placement(m_pci, vm().msi_sink()));
    TRY(m_virtio->attach_configured(
        {m_config.disks, m_config.nets, m_config.console, std::move(m_disk_images)}));
    return assign_pc_pci_bars(*m_pci);
}

// The kernel goes into RAM before the accelerator is opened, so a bad kernel
// or initrd is a usage error whatever the host's KVM can do. The ACPI tables
// go first, announced in the memory map and by the RSDP address (Linux's zero
// page, PVH's start_info).
MachineResult<void> PcMachine::load_kernel() {
    std::vector<u8> kernel =
        TRY_AS(ExitStatus::Usage, read_file(m_config.kernel_path, m_config.memory, "kernel"));
    boot::X86BootConfig boot_config;
    boot_config.cmdline = m_config.cmdline;
    if (m_config.initrd_path) {
        auto data = TRY_AS(ExitStatus::Usage, read_file(*m_config.initrd_path, m_config.memory, "initrd"));
        boot_config.modules.push_back({*m_config.initrd_path, std::move(data)});
    }
    auto ram = pc::ram_layout(m_config.memory);
    TRY_AS(ExitStatus::Usage, m_memory.add_region(GuestAddress(0), ram.low));
    if (ram.high)
        TRY_AS(ExitStatus::Usage, m_memory.add_region(GuestAddress(pc::kHighRamStart), ram.high));
    auto acpi_tables = TRY_AS(ExitStatus::Usage, build_pc_acpi(m_config));
    boot_config.extra_memory.push_back(TRY_AS(ExitStatus::Usage, write_pc_acpi(m_memory, acpi_tables)));
    boot_config.acpi_rsdp = acpi_tables.rsdp_address;
    boot_config.extra_memory.push_back(pc_pci_reserved_memory());
    auto loaded = TRY_AS(ExitStatus::Usage, boot::load_x86_kernel(m_memory, kernel, boot_config));
    log::info("loaded {} kernel, entry {:#x}, boot structures at {:#x}", loaded.format, loaded.entry.rip,
              loaded.boot_area);
    if (loaded.initrd)
        log::info("initrd at {:#x}", *loaded.initrd);
    m_entry = loaded.entry;
    return {};
}

MachineResult<void> PcMachine::build_board() {
    TRY(check_resources(m_config.cpus, pc::kMaxCpus, m_config.memory, pc::kMinMemory));
    if (m_config.dump_acpi_dir)
        TRY_AS(ExitStatus::Usage, dump_pc_acpi(m_config, *m_config.dump_acpi_dir));
    if (m_config.parallel.mode != SerialMode::None)
        m_parallel = TRY_AS(ExitStatus::Usage, open_serial(m_config.parallel));
    TRY(load_kernel());
    // The user's files before the accelerator, so a bad one is a usage error on any host.
    m_serial = TRY_AS(ExitStatus::Usage, open_serial(m_config.serial));
    m_disk_images = TRY_AS(ExitStatus::Usage, open_disk_images(m_config.disks));

    TRY(create_vm(m_config.cpus));
    m_io = TRY_AS(ExitStatus::GuestFailure, IoThread::start());
    TRY_AS(ExitStatus::GuestFailure, attach_devices());
    TRY_AS(ExitStatus::GuestFailure, attach_legacy_ports());
    // Device setup fails on what the user gave (a disk image, a tap name, a port): usage errors.
    TRY_AS(ExitStatus::Usage, attach_virtio());
    return create_vcpus(m_config.cpus);
}

MachineResult<void> PcMachine::boot_board() {
    accel::X86Vcpu* boot_cpu = vcpu(0).as_x86();
    if (!boot_cpu)
        return fail(ExitStatus::AcceleratorFailed,
                    Error::format("the accelerator gave the pc board a vCPU that is not x86"));
    TRY_AS(ExitStatus::AcceleratorFailed, boot_cpu->set_entry_state(m_entry));
    return {};
}

ConsoleBinding PcMachine::console_binding() {
    return m_virtio->console_binding(*m_serial,
                                     [this](std::span<const u8> bytes) { m_com1->receive(bytes); });
}

void PcMachine::after_run() {
    // vCPUs are joined: finish host I/O before the devices go away.
    m_io->stop();
}

MachineResult<int> run_pc(const PcConfig& config, AcceleratorFactory accelerator) {
    PcMachine machine(config, accelerator ? std::move(accelerator) : pc_kvm_accelerator(config));
    return machine.build_boot_run();
}

} // namespace kite::machine
