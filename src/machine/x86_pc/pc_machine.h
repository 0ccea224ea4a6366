#pragma once

#include "boot/x86_loader.h"
#include "machine/common/machine.h"
#include "machine/common/virtio_attacher.h"
#include "machine/x86_pc/pc_config.h"
#include "machine/x86_pc/pc_power.h"

namespace kite::devices {
class Uart16550Device;
}

namespace kite::machine {

// The x86 `pc` board as a Machine. build() loads the kernel (and the ACPI
// tables) into RAM before it opens the accelerator, so a bad kernel is a
// usage error whatever the host can do; then the VM, devices and vCPUs.
// boot() gives vCPU 0 the boot protocol's entry state; the others wait for
// INIT/SIPI from it, as on real hardware.
class PcMachine final : public Machine {
public:
    PcMachine(PcConfig config, AcceleratorFactory accelerator);
    ~PcMachine() override;

private:
    MachineResult<void> build_board() override;
    MachineResult<void> boot_board() override;
    ConsoleBinding console_binding() override;
    void after_run() override;

    MachineResult<void> load_kernel();
    Result<void> attach_devices();
    Result<void> attach_legacy_ports();
    Result<void> attach_virtio();

    PcConfig m_config;
    accel::X86EntryState m_entry;
    std::unique_ptr<CharBackend> m_serial;
    std::unique_ptr<CharBackend> m_parallel;
    std::vector<block::DiskImage> m_disk_images; // opened in build_board(), until attach_virtio() takes them
    std::shared_ptr<devices::Uart16550Device> m_com1;
    PcPower m_power;
    std::shared_ptr<pci::PciBus> m_pci;
    std::unique_ptr<VirtioAttacher> m_virtio;
};

} // namespace kite::machine
