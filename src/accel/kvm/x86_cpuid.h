#pragma once

#include "base/types.h"

#include <linux/kvm.h>
#include <span>
#include <vector>

namespace kite::kvm {

// Adjusts the CPUID table KVM supports so vCPU `apic_id` of `cpu_count` sees a
// consistent topology (one package, one thread per core, cpu_count cores):
// APIC IDs in leaves 1 and 0xB/0x1F, core counts in leaves 1 and 4, and the
// hypervisor bit. Pure, so it is unit-tested without KVM.
void apply_topology(std::vector<kvm_cpuid_entry2>& entries, u32 apic_id, u32 cpu_count);

} // namespace kite::kvm
