#pragma once

#include "accel/tcg/tcg_vm.h"
#include "event/io_thread.h"
#include "machine/common/machine.h"
#include "machine/common/virtio_attacher.h"
#include "machine/riscv_virt/htif.h"
#include "machine/riscv_virt/virt_board.h"
#include "machine/riscv_virt/virt_boot.h"

namespace kite::devices {
class Clint;
class GoldfishRtc;
class Plic;
class Uart16550Device;
} // namespace kite::devices

namespace kite::machine {

// The RISC-V `virt` board as a Machine: build() reads the images, creates the
// harts and the devices, boot() places the images and sets hart 0's entry
// state, run() runs until a poweroff, an HTIF exit or the user's quit.
class RiscvVirtMachine final : public Machine {
public:
    // An empty `accelerator` means the software CPU with this board's hooks.
    RiscvVirtMachine(VirtConfig config, AcceleratorFactory accelerator = {});
    ~RiscvVirtMachine() override;

    // What the software CPU needs from this board: its MMIO bus, the CLINT's
    // time and the per-slice hooks (timers, HTIF).
    tcg::TcgBoardConfig tcg_board();

private:
    MachineResult<void> build_board() override;
    MachineResult<void> boot_board() override;
    ConsoleBinding console_binding() override;
    void after_run() override;

    Result<void> attach_devices();
    void after_slice();
    std::optional<std::chrono::nanoseconds> wfi_timeout();

    VirtConfig m_config;
    BootImages m_images;
    std::unique_ptr<CharBackend> m_console;
    std::shared_ptr<devices::Clint> m_clint;
    std::shared_ptr<devices::Plic> m_plic;
    std::shared_ptr<devices::Uart16550Device> m_uart;
    std::shared_ptr<devices::GoldfishRtc> m_rtc;
    std::unique_ptr<VirtioAttacher> m_virtio;
    std::vector<block::DiskImage> m_disk_images; // opened in build_board(), until attach_devices() takes them
    std::unique_ptr<Htif> m_htif;
};

} // namespace kite::machine
