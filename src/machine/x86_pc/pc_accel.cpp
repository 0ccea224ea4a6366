#include "machine/x86_pc/pc_accel.h"

#include "accel/kvm/kvm_system.h"
#include "machine/x86_pc/pc_board.h"

namespace kite::machine {
namespace {

// Status 4 only when the host has no usable KVM; any other failure is status 8.
MachineResult<std::unique_ptr<kvm::KvmSystem>> open_pc_kvm(const std::string& path) {
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

AcceleratorFactory pc_kvm_accelerator(const PcConfig& config) {
    return [device = config.kvm_device,
            cpus = config.cpus]() -> MachineResult<std::unique_ptr<accel::Accelerator>> {
        auto kvm = TRY(open_pc_kvm(device));
        if (cpus > kvm->capabilities().max_vcpus)
            return fail(ExitStatus::Usage, Error::format("--cpus {}: the host's KVM allows at most {}", cpus,
                                                         kvm->capabilities().max_vcpus));
        return kvm;
    };
}

} // namespace kite::machine
