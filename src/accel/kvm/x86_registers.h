#pragma once

#include "accel/x86_entry_state.h"

#include <linux/kvm.h>

namespace kite::kvm {

// Builds the general and special registers for a boot protocol's entry state,
// starting from the vCPU's reset state in `sregs`. Pure, so it is unit-tested
// without KVM.
void apply_entry_state(const accel::X86EntryState& state, kvm_regs& regs, kvm_sregs& sregs);

// Control register and EFER bits used at entry.
constexpr u64 kCr0Pe = 1ull << 0;
constexpr u64 kCr0Mp = 1ull << 1;
constexpr u64 kCr0Et = 1ull << 4;
constexpr u64 kCr0Ne = 1ull << 5;
constexpr u64 kCr0Wp = 1ull << 16;
constexpr u64 kCr0Pg = 1ull << 31;
constexpr u64 kCr4Pae = 1ull << 5;
constexpr u64 kCr4Osfxsr = 1ull << 9;
constexpr u64 kCr4Osxmmexcpt = 1ull << 10;
constexpr u64 kEferLme = 1ull << 8;
constexpr u64 kEferLma = 1ull << 10;

} // namespace kite::kvm
