#pragma once

#include "machine/common/machine.h"
#include "machine/x86_pc/pc_config.h"

#include <string>

namespace kite::cli {

// What `--accel auto` looks at on the host for an x86-64 guest.
struct HostAccelFacts {
    std::string kvm_device{"/dev/kvm"};
    bool node_exists{false};
    int open_errno{0};     // of open(kvm_device, O_RDWR); 0: it opened
    bool kvm_intel{false}; // /sys/module/kvm_intel: hardware virtualization (VMX)
    bool kvm_amd{false};   // /sys/module/kvm_amd: hardware virtualization (SVM)
    bool kvm_pvm{false};   // /sys/module/kvm_pvm: a software-only KVM that runs no unmodified kernel
};

HostAccelFacts probe_host_accel(const std::string& kvm_device);

enum class AccelKind { Kvm, Tcg };

struct AccelChoice {
    AccelKind kind;
    std::string why; // one clause, e.g. "kvm_intel is loaded and /dev/kvm opens read-write"
};

// KVM only where it runs unmodified guests: the node opens read-write and
// kvm_intel or kvm_amd is loaded. Otherwise (no node, no permission, kvm_pvm
// or no driver) the software CPU.
AccelChoice choose_x86_accel(const HostAccelFacts& facts);

const char* accel_name(AccelKind kind);

// `--accel auto` for the pc board: when the board opens its accelerator (after
// the kernel is loaded, so bad input stays status 2), probes the host, says at
// info level what it picked and why, and opens KVM; until there is an x86-64
// software CPU, a host without usable KVM is status 4, "kvm unavailable: ...".
machine::AcceleratorFactory x86_auto_accelerator(const machine::PcConfig& config);

} // namespace kite::cli
