#pragma once

#include "accel/accelerator.h"
#include "base/unique_fd.h"

#include <linux/kvm.h>
#include <memory>
#include <string>
#include <vector>

namespace kite::kvm {

// What Kite learned about the host's KVM when it opened /dev/kvm; shared by
// every VM and vCPU created from it.
struct KvmCapabilities {
    std::size_t vcpu_mmap_size{0};
    u32 max_vcpus{1};
    std::vector<kvm_cpuid_entry2> supported_cpuid;
    std::vector<u32> msr_indices; // MSRs KVM can save/restore (KVM_GET_MSR_INDEX_LIST)
};

// Why KvmSystem::open() failed. `unavailable`: the host has no usable KVM
// (the device cannot be opened for a reason open_errno_means_unavailable()
// accepts, another API version, or a capability Kite needs is missing; the
// error names which). Otherwise a KVM call failed on a KVM that looked usable.
struct KvmOpenFailure {
    bool unavailable;
    Error error;
};

// Whether open(2) of the KVM device failing with `err` means the host has no
// usable KVM (no node, no permission, no driver behind it) rather than a
// failure on a host that has one (out of fds or memory, ...).
bool open_errno_means_unavailable(int err);

// The KVM accelerator: owns the /dev/kvm fd.
class KvmSystem final : public accel::Accelerator {
public:
    // Opens the device (default /dev/kvm) and checks the API version and the
    // capabilities Kite relies on; the error says what is missing.
    static std::expected<std::unique_ptr<KvmSystem>, KvmOpenFailure>
    open(const std::string& path = "/dev/kvm");

    std::string_view name() const override { return "kvm"; }
    Result<std::unique_ptr<accel::Vm>> create_vm(const accel::VmConfig& config) override;

    const KvmCapabilities& capabilities() const { return *m_caps; }

private:
    // The queries after the checks: any failure here is not "unavailable".
    static Result<std::unique_ptr<KvmSystem>> query(UniqueFd fd);

    KvmSystem(UniqueFd fd, std::shared_ptr<const KvmCapabilities> caps)
        : m_fd(std::move(fd)), m_caps(std::move(caps)) {}

    UniqueFd m_fd;
    std::shared_ptr<const KvmCapabilities> m_caps;
};

} // namespace kite::kvm
