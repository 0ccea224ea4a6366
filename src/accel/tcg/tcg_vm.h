#pragma once

#include "accel/accelerator.h"
#include "accel/tcg/hart_vcpu.h"
#include "bus/bus.h"

#include <functional>

namespace kite::tcg {

// What the software CPU needs from the board it runs: the bus for every
// physical address outside RAM, the clock behind the `time` CSR, and the
// hooks each hart runs between instruction slices.
struct TcgBoardConfig {
    Bus* mmio{nullptr};
    std::function<u64()> read_time;
    HartVcpu::Hooks hooks;
};

// A machine on the software CPU: RAM, and one interpreted RISC-V hart per vCPU.
// Interrupts come from the board's own controllers (PLIC, CLINT) through
// RiscvVcpu::set_interrupt, so it has no interrupt lines of its own.
class TcgVm final : public accel::Vm {
public:
    TcgVm(TcgBoardConfig board, accel::VmConfig config) : m_board(std::move(board)), m_config(config) {}

    Result<void> map_memory(const GuestMemory& memory) override;
    Result<std::shared_ptr<IrqLine>> irq_line(u32 gsi) override;
    Result<std::unique_ptr<accel::Vcpu>> create_vcpu(u32 index) override;

private:
    TcgBoardConfig m_board;
    accel::VmConfig m_config;
    const GuestMemory* m_memory{nullptr};
};

// The software CPU (64-bit RISC-V) as an accel::Accelerator.
class TcgAccelerator final : public accel::Accelerator {
public:
    explicit TcgAccelerator(TcgBoardConfig board) : m_board(std::move(board)) {}

    std::string_view name() const override { return "tcg"; }
    Result<std::unique_ptr<accel::Vm>> create_vm(const accel::VmConfig& config) override;

private:
    TcgBoardConfig m_board;
};

} // namespace kite::tcg
