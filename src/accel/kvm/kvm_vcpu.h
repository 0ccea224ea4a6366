#pragma once

#include "accel/accelerator.h"
#include "accel/kvm/kvm_system.h"
#include "accel/x86_vcpu.h"
#include "base/mmap_region.h"
#include "base/unique_fd.h"

#include <atomic>
#include <linux/kvm.h>
#include <vector>

namespace kite::kvm {

// One KVM vCPU: its fd, the shared kvm_run page, and one method per ioctl used.
class KvmVcpu final : public accel::Vcpu, public accel::X86Vcpu {
public:
    // Creates the vCPU and gives it CPUID (with its APIC ID and the topology),
    // boot MSRs and a BIOS-like LAPIC (LINT0 = ExtINT, LINT1 = NMI).
    static Result<std::unique_ptr<KvmVcpu>> create(int vm_fd, u32 index, u32 vcpu_count,
                                                   const KvmCapabilities& caps, const GuestMemory* memory);

    u32 index() const override { return m_index; }
    Result<accel::VcpuExit> run() override;
    void request_exit() override;
    std::string describe_state() override;
    accel::X86Vcpu* as_x86() override { return this; }

    Result<void> set_entry_state(const accel::X86EntryState& state) override;

    Result<kvm_regs> get_regs() const;
    Result<void> set_regs(const kvm_regs& regs);
    Result<kvm_sregs> get_sregs() const;
    Result<void> set_sregs(const kvm_sregs& sregs);
    Result<void> set_cpuid(const std::vector<kvm_cpuid_entry2>& entries);
    Result<void> set_msrs(const std::vector<kvm_msr_entry>& entries);
    Result<kvm_lapic_state> get_lapic() const;
    Result<void> set_lapic(const kvm_lapic_state& state);
    Result<u64> translate(u64 linear_address) const;

private:
    KvmVcpu(UniqueFd fd, MmapRegion run, u32 index, const GuestMemory* memory)
        : m_fd(std::move(fd)), m_run_mapping(std::move(run)), m_index(index), m_memory(memory) {}

    kvm_run* run_struct() const { return reinterpret_cast<kvm_run*>(m_run_mapping.data()); }
    accel::VcpuExit decode_exit();

    UniqueFd m_fd;
    MmapRegion m_run_mapping;
    u32 m_index;
    const GuestMemory* m_memory;
};

} // namespace kite::kvm
