#pragma once

// Cases where Unicorn 2.0.1 (QEMU 5.0 TCG) does not implement the current
// RISC-V spec. The generated programs are rewritten before they are compared
// so that they never reach one (see exclusions.cpp for the evidence).

#include "base/types.h"
#include "cpu/riscv/decoded_insn.h"
#include "cpu/riscv/hart_state.h"
#include "memory/guest_memory.h"

#include <optional>

namespace kite::riscv::diff {

// For the instruction about to execute in `state`: a harmless replacement
// with the same operands (and the same FP register typing) when it would hit
// a known Unicorn defect, nullopt otherwise. Used with KiteEngine::rewrite.
std::optional<u32> avoid_unicorn_defects(const DecodedInsn& insn, u32 raw, const HartState& state,
                                         const GuestMemory& ram);

} // namespace kite::riscv::diff
