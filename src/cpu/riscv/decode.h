#pragma once

#include "cpu/riscv/decoded_insn.h"

namespace kite::riscv {

// True when the low bits of the first halfword say "16-bit instruction".
constexpr bool is_compressed(u32 raw) {
    return (raw & 3) != 3;
}

// Decodes one instruction: a 32-bit word, or a compressed instruction in the
// low 16 bits (the upper bits are then ignored). Reserved and unsupported
// encodings decode to Op::Illegal; the caller keeps the raw bits for mtval.
DecodedInsn decode(u32 raw);

// The two halves of decode(), exposed for tests.
DecodedInsn decode_32(u32 raw);
DecodedInsn decode_16(u16 raw);

} // namespace kite::riscv
