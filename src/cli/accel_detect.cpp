#include "cli/accel_detect.h"

#include "base/log.h"
#include "base/unique_fd.h"
#include "machine/x86_pc/pc_accel.h"
#include "machine/x86_pc/pc_board.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>

namespace kite::cli {
namespace {

bool exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

} // namespace

HostAccelFacts probe_host_accel(const std::string& kvm_device) {
    HostAccelFacts facts;
    facts.kvm_device = kvm_device;
    facts.node_exists = exists(kvm_device);
    if (facts.node_exists) {
        UniqueFd fd(::open(kvm_device.c_str(), O_RDWR | O_CLOEXEC));
        facts.open_errno = fd ? 0 : errno;
    }
    facts.kvm_intel = exists("/sys/module/kvm_intel");
    facts.kvm_amd = exists("/sys/module/kvm_amd");
    facts.kvm_pvm = exists("/sys/module/kvm_pvm");
    return facts;
}

AccelChoice choose_x86_accel(const HostAccelFacts& facts) {
    const std::string& node = facts.kvm_device;
    if (!facts.node_exists)
        return {AccelKind::Tcg, fmt::format("{} does not exist", node)};
    if (facts.open_errno == EACCES || facts.open_errno == EPERM)
        return {AccelKind::Tcg, fmt::format("no permission to open {} read-write", node)};
    if (facts.open_errno != 0)
        return {AccelKind::Tcg,
                fmt::format("cannot open {} read-write: {}", node, std::strerror(facts.open_errno))};
    if (facts.kvm_intel)
        return {AccelKind::Kvm, fmt::format("kvm_intel is loaded and {} opens read-write", node)};
    if (facts.kvm_amd)
        return {AccelKind::Kvm, fmt::format("kvm_amd is loaded and {} opens read-write", node)};
    if (facts.kvm_pvm)
        return {
            AccelKind::Tcg,
            fmt::format("{} is kvm_pvm, a software-only KVM on which unmodified guests do not run", node)};
    return {
        AccelKind::Tcg,
        fmt::format("neither kvm_intel nor kvm_amd is loaded, so {} has no hardware virtualization", node)};
}

const char* accel_name(AccelKind kind) {
    return kind == AccelKind::Kvm ? "kvm" : "tcg";
}

machine::AcceleratorFactory x86_auto_accelerator(const machine::PcConfig& config) {
    return [device = config.kvm_device, kvm = machine::pc_kvm_accelerator(config)]()
               -> machine::MachineResult<std::unique_ptr<accel::Accelerator>> {
        AccelChoice choice = choose_x86_accel(probe_host_accel(device));
        log::info("accel: {} ({})", accel_name(choice.kind), choice.why);
        if (choice.kind == AccelKind::Tcg)
            return machine::fail(ExitStatus::AcceleratorUnavailable,
                                 Error::format("{}: {}, and there is no x86-64 software CPU yet",
                                               machine::kKvmUnavailable, choice.why));
        return kvm();
    };
}

} // namespace kite::cli
