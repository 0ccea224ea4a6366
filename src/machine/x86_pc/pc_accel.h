#pragma once

#include "machine/common/machine.h"
#include "machine/x86_pc/pc_config.h"

namespace kite::machine {

// Opens KVM for the `pc` board: status 4 when the host has no usable KVM (the
// error starts "kvm unavailable: "), 8 when a KVM call fails, 2 when --cpus
// is more than the host's KVM allows.
AcceleratorFactory pc_kvm_accelerator(const PcConfig& config);

} // namespace kite::machine
