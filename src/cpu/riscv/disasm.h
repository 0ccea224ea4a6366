#pragma once

#include "cpu/riscv/decoded_insn.h"

#include <string>

namespace kite::riscv {

// Formats a decoded instruction in the style of `objdump -M no-aliases,numeric`
// (compressed instructions appear as the base instruction they expand to).
// pc resolves pc-relative targets.
std::string disassemble(const DecodedInsn& insn, u64 pc);

} // namespace kite::riscv
