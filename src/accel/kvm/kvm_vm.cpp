#include "accel/kvm/kvm_vm.h"

#include "accel/kvm/kvm_ioctl.h"
#include "accel/kvm/kvm_vcpu.h"

#include <atomic>

namespace kite::kvm {
namespace {

// Just below the 4 GiB boundary, out of the way of RAM and the LAPIC/IOAPIC, as
// QEMU and Firecracker place them: three pages for the TSS, one for the EPT
// identity map that Intel's real-mode emulation needs.
constexpr u64 kTssAddress = 0xfffbd000;
constexpr u64 kIdentityMapAddress = 0xfffbc000;

class KvmIrqLine final : public IrqLine {
public:
    KvmIrqLine(std::shared_ptr<UniqueFd> vm_fd, u32 gsi) : m_vm_fd(std::move(vm_fd)), m_gsi(gsi) {}

    void set_level(bool asserted) override {
        // Lowering a line that is already low changes nothing in KVM, and devices
        // report their level after every register access: skip that ioctl.
        // Raising is always passed on so edge-triggered pins see each assertion.
        bool was_asserted = m_asserted.exchange(asserted, std::memory_order_relaxed);
        if (!asserted && !was_asserted)
            return;
        kvm_irq_level level{};
        level.irq = m_gsi;
        level.level = asserted ? 1 : 0;
        // Failure here means the VM is being torn down; a device cannot act on it.
        (void)checked_ioctl(m_vm_fd->get(), KVM_IRQ_LINE, &level, "KVM_IRQ_LINE");
    }

private:
    std::shared_ptr<UniqueFd> m_vm_fd;
    u32 m_gsi;
    std::atomic<bool> m_asserted{false};
};

// Injects an MSI through the in-kernel irqchip (the LAPICs decode address and data).
class KvmMsiSink final : public pci::MsiSink {
public:
    explicit KvmMsiSink(std::shared_ptr<UniqueFd> vm_fd) : m_vm_fd(std::move(vm_fd)) {}

    void send_msi(u64 address, u32 data) override {
        kvm_msi msi{};
        msi.address_lo = static_cast<u32>(address);
        msi.address_hi = static_cast<u32>(address >> 32);
        msi.data = data;
        // 0 means the guest blocked it (a masked or absent APIC), as on hardware;
        // failure means the VM is being torn down. A device cannot act on either.
        (void)checked_ioctl(m_vm_fd->get(), KVM_SIGNAL_MSI, &msi, "KVM_SIGNAL_MSI");
    }

private:
    std::shared_ptr<UniqueFd> m_vm_fd;
};

} // namespace

Result<std::unique_ptr<KvmVm>> KvmVm::create(UniqueFd vm_fd, std::shared_ptr<const KvmCapabilities> caps,
                                             const accel::VmConfig& config) {
    int fd = vm_fd.get();
    TRY(checked_ioctl(fd, KVM_SET_TSS_ADDR, kTssAddress, "KVM_SET_TSS_ADDR"));
    u64 identity_map = kIdentityMapAddress;
    TRY(checked_ioctl(fd, KVM_SET_IDENTITY_MAP_ADDR, &identity_map, "KVM_SET_IDENTITY_MAP_ADDR"));
    TRY(checked_ioctl(fd, KVM_CREATE_IRQCHIP, 0, "KVM_CREATE_IRQCHIP"));
    kvm_pit_config pit{};
    pit.flags = KVM_PIT_SPEAKER_DUMMY;
    TRY(checked_ioctl(fd, KVM_CREATE_PIT2, &pit, "KVM_CREATE_PIT2"));
    return std::unique_ptr<KvmVm>(
        new KvmVm(std::make_shared<UniqueFd>(std::move(vm_fd)), std::move(caps), config));
}

Result<void> KvmVm::map_memory(const GuestMemory& memory) {
    for (const auto& region : memory.regions()) {
        kvm_userspace_memory_region r{};
        r.slot = m_next_slot++;
        r.guest_phys_addr = region.start.value;
        r.memory_size = region.size();
        r.userspace_addr = reinterpret_cast<u64>(region.mapping.data());
        TRY_CONTEXT(checked_ioctl(m_fd->get(), KVM_SET_USER_MEMORY_REGION, &r, "KVM_SET_USER_MEMORY_REGION"),
                    fmt::format("map {} MiB of guest RAM at {:#x}", region.size() / MiB, region.start.value));
    }
    m_memory = &memory;
    return {};
}

Result<std::shared_ptr<IrqLine>> KvmVm::irq_line(u32 gsi) {
    // The in-kernel IOAPIC has 24 pins; ISA IRQs 0-15 also reach the PIC.
    if (gsi >= 24)
        return error("kvm: no interrupt line for GSI {}", gsi);
    return std::make_shared<KvmIrqLine>(m_fd, gsi);
}

std::shared_ptr<pci::MsiSink> KvmVm::msi_sink() {
    auto have = checked_ioctl(m_fd->get(), KVM_CHECK_EXTENSION, KVM_CAP_SIGNAL_MSI, "KVM_CHECK_EXTENSION");
    if (!have || *have <= 0)
        return nullptr;
    return std::make_shared<KvmMsiSink>(m_fd);
}

Result<std::unique_ptr<accel::Vcpu>> KvmVm::create_vcpu(u32 index) {
    if (index >= m_config.vcpu_count)
        return error("kvm: vCPU index {} beyond the configured {}", index, m_config.vcpu_count);
    return TRY(KvmVcpu::create(m_fd->get(), index, m_config.vcpu_count, *m_caps, m_memory));
}

} // namespace kite::kvm
