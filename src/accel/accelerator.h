#pragma once

#include "accel/vcpu_exit.h"
#include "base/error.h"
#include "bus/irq_line.h"
#include "memory/guest_memory.h"
#include "pci/msi_sink.h"

#include <memory>
#include <string>
#include <string_view>

namespace kite::accel {

class X86Vcpu;
class RiscvVcpu;

// One virtual CPU. run() is called from the vCPU's own thread; request_exit()
// may be called from any thread and makes the current or next run() return
// InterruptedExit promptly.
class Vcpu {
public:
    virtual ~Vcpu() = default;
    virtual u32 index() const = 0;
    virtual Result<VcpuExit> run() = 0;
    virtual void request_exit() = 0;
    // Registers and the bytes at the instruction pointer, for fatal-exit reports.
    virtual std::string describe_state() = 0;
    // The architecture's own controls (entry state, interrupt inputs), or
    // nullptr when this vCPU is of another architecture.
    virtual X86Vcpu* as_x86() { return nullptr; }
    virtual RiscvVcpu* as_riscv() { return nullptr; }
};

struct VmConfig {
    u32 vcpu_count{1};
};

// A virtual machine: guest memory mappings, interrupt lines and vCPUs.
class Vm {
public:
    virtual ~Vm() = default;
    // Makes every region of `memory` guest RAM. `memory` must outlive the Vm.
    virtual Result<void> map_memory(const GuestMemory& memory) = 0;
    // The interrupt line for global system interrupt `gsi` (ISA IRQ n is GSI n on x86).
    virtual Result<std::shared_ptr<IrqLine>> irq_line(u32 gsi) = 0;
    // Where message-signalled interrupts (MSI, MSI-X) go, or null when this
    // VM cannot take them (devices then use INTx only).
    virtual std::shared_ptr<pci::MsiSink> msi_sink() { return nullptr; }
    virtual Result<std::unique_ptr<Vcpu>> create_vcpu(u32 index) = 0;
};

// An execution engine: KVM, or the software CPU (tcg).
class Accelerator {
public:
    virtual ~Accelerator() = default;
    virtual std::string_view name() const = 0;
    virtual Result<std::unique_ptr<Vm>> create_vm(const VmConfig& config) = 0;
};

} // namespace kite::accel
