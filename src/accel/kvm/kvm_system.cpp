#include "accel/kvm/kvm_system.h"

#include "accel/kvm/kvm_abi.h"
#include "accel/kvm/kvm_ioctl.h"
#include "accel/kvm/kvm_vm.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>

namespace kite::kvm {
namespace {

Result<std::vector<kvm_cpuid_entry2>> get_supported_cpuid(int fd) {
    // The table size is not known up front: grow until KVM stops saying E2BIG.
    for (u32 nent = 64; nent <= 4096; nent *= 2) {
        std::vector<u8> buffer(sizeof(abi::CpuidHeader) + nent * sizeof(kvm_cpuid_entry2));
        abi::CpuidHeader header{nent, 0};
        std::memcpy(buffer.data(), &header, sizeof(header));
        auto r = checked_ioctl(fd, abi::kGetSupportedCpuid, buffer.data(), "KVM_GET_SUPPORTED_CPUID");
        if (!r) {
            if (r.error().code() == E2BIG)
                continue;
            return std::unexpected(r.error());
        }
        std::memcpy(&header, buffer.data(), sizeof(header));
        std::vector<kvm_cpuid_entry2> entries(std::min(header.nent, nent));
        std::memcpy(entries.data(), buffer.data() + sizeof(header),
                    entries.size() * sizeof(kvm_cpuid_entry2));
        return entries;
    }
    return error("KVM_GET_SUPPORTED_CPUID: table larger than 4096 entries");
}

Result<std::vector<u32>> get_msr_index_list(int fd) {
    // A first call with room for none tells how many there are (E2BIG).
    abi::MsrListHeader probe{0};
    auto r = ::ioctl(fd, abi::kGetMsrIndexList, &probe);
    if (r < 0 && errno != E2BIG)
        return errno_error("KVM_GET_MSR_INDEX_LIST");
    u32 count = probe.nmsrs;
    std::vector<u8> buffer(sizeof(abi::MsrListHeader) + count * sizeof(u32));
    std::memcpy(buffer.data(), &probe, sizeof(probe));
    TRY(checked_ioctl(fd, abi::kGetMsrIndexList, buffer.data(), "KVM_GET_MSR_INDEX_LIST"));
    std::memcpy(&probe, buffer.data(), sizeof(probe));
    std::vector<u32> indices(std::min(probe.nmsrs, count));
    std::memcpy(indices.data(), buffer.data() + sizeof(abi::MsrListHeader), indices.size() * sizeof(u32));
    return indices;
}

} // namespace

bool open_errno_means_unavailable(int err) {
    switch (err) {
    case ENOENT: // no device node (no KVM module, or not in this container)
    case ENODEV: // a node with no driver behind it
    case ENXIO:
    case EACCES: // not allowed to use it
    case EPERM:
        return true;
    default:
        return false;
    }
}

std::expected<std::unique_ptr<KvmSystem>, KvmOpenFailure> KvmSystem::open(const std::string& path) {
    auto unavailable = [](Error e) { return std::unexpected(KvmOpenFailure{true, std::move(e)}); };
    auto failed = [](Error e) { return std::unexpected(KvmOpenFailure{false, std::move(e)}); };

    UniqueFd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC));
    if (!fd) {
        int err = errno;
        Error e = Error::from_errno(fmt::format("open {}", path), err);
        return open_errno_means_unavailable(err) ? unavailable(std::move(e)) : failed(std::move(e));
    }

    auto version = checked_ioctl(fd.get(), KVM_GET_API_VERSION, 0, "KVM_GET_API_VERSION");
    if (!version)
        return failed(std::move(version).error().with_context(path));
    if (*version != KVM_API_VERSION)
        return unavailable(
            Error::format("{}: KVM API version {} (Kite needs {})", path, *version, KVM_API_VERSION));

    struct Required {
        int cap;
        const char* name;
    };
    static constexpr Required required[] = {
        {KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY"},
        {KVM_CAP_IRQCHIP, "KVM_CAP_IRQCHIP"},
        {KVM_CAP_PIT2, "KVM_CAP_PIT2"},
        {KVM_CAP_SET_TSS_ADDR, "KVM_CAP_SET_TSS_ADDR"},
        {KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT"},
        {KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID"},
    };
    for (const auto& req : required) {
        auto have = checked_ioctl(fd.get(), KVM_CHECK_EXTENSION, req.cap, "KVM_CHECK_EXTENSION");
        if (!have)
            return failed(std::move(have).error().with_context(fmt::format("{}: {}", path, req.name)));
        if (*have <= 0)
            return unavailable(Error::format("{}: the host KVM lacks {}", path, req.name));
    }

    auto system = query(std::move(fd));
    if (!system)
        return failed(std::move(system).error().with_context(path));
    return std::move(*system);
}

Result<std::unique_ptr<KvmSystem>> KvmSystem::query(UniqueFd fd) {
    auto caps = std::make_shared<KvmCapabilities>();
    int mmap_size = TRY(checked_ioctl(fd.get(), KVM_GET_VCPU_MMAP_SIZE, 0, "KVM_GET_VCPU_MMAP_SIZE"));
    caps->vcpu_mmap_size = static_cast<std::size_t>(mmap_size);
    int max_vcpus =
        TRY(checked_ioctl(fd.get(), KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS, "KVM_CHECK_EXTENSION"));
    if (max_vcpus <= 0)
        max_vcpus =
            TRY(checked_ioctl(fd.get(), KVM_CHECK_EXTENSION, KVM_CAP_NR_VCPUS, "KVM_CHECK_EXTENSION"));
    caps->max_vcpus = static_cast<u32>(std::max(max_vcpus, 1));
    caps->supported_cpuid = TRY(get_supported_cpuid(fd.get()));
    caps->msr_indices = TRY(get_msr_index_list(fd.get()));
    return std::unique_ptr<KvmSystem>(new KvmSystem(std::move(fd), std::move(caps)));
}

Result<std::unique_ptr<accel::Vm>> KvmSystem::create_vm(const accel::VmConfig& config) {
    if (config.vcpu_count == 0 || config.vcpu_count > m_caps->max_vcpus)
        return error("kvm: {} vCPUs requested, the host allows 1 to {}", config.vcpu_count,
                     m_caps->max_vcpus);
    int vm_fd = TRY(checked_ioctl(m_fd.get(), KVM_CREATE_VM, 0, "KVM_CREATE_VM"));
    UniqueFd vm(vm_fd);
    return TRY(KvmVm::create(std::move(vm), m_caps, config));
}

} // namespace kite::kvm
