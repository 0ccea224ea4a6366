#pragma once

#include "accel/accelerator.h"
#include "accel/kvm/kvm_system.h"
#include "base/unique_fd.h"

#include <memory>

namespace kite::kvm {

// A KVM virtual machine with the in-kernel irqchip (PIC, IOAPIC, LAPICs) and PIT.
class KvmVm final : public accel::Vm {
public:
    static Result<std::unique_ptr<KvmVm>> create(UniqueFd vm_fd, std::shared_ptr<const KvmCapabilities> caps,
                                                 const accel::VmConfig& config);

    Result<void> map_memory(const GuestMemory& memory) override;
    Result<std::shared_ptr<IrqLine>> irq_line(u32 gsi) override;
    // KVM_SIGNAL_MSI, when the host's KVM has KVM_CAP_SIGNAL_MSI.
    std::shared_ptr<pci::MsiSink> msi_sink() override;
    Result<std::unique_ptr<accel::Vcpu>> create_vcpu(u32 index) override;

private:
    KvmVm(std::shared_ptr<UniqueFd> fd, std::shared_ptr<const KvmCapabilities> caps, accel::VmConfig config)
        : m_fd(std::move(fd)), m_caps(std::move(caps)), m_config(config) {}

    // Shared with the irq lines, which devices may hold past the Vm's lifetime.
    std::shared_ptr<UniqueFd> m_fd;
    std::shared_ptr<const KvmCapabilities> m_caps;
    accel::VmConfig m_config;
    const GuestMemory* m_memory{nullptr};
    u32 m_next_slot{0};
};

} // namespace kite::kvm
