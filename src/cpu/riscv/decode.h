#pragma once

#include "cpu/riscv/decoded_insn.h"

namespace kite::riscv {

// True when the low bits of the first halfword say "16-bit instruction".
constexpr bool is_compressed(u32 raw) {
    return (raw & 3) != 3;
}

// Field extraction shared by the 32-bit and the compressed decoder.
namespace insn_field {

// Bits hi..lo of v, shifted down.
constexpr u32 bits(u32 v, int hi, int lo) {
    return (v >> lo) & ((1u << (hi - lo + 1)) - 1);
}

// The low width bits of v as a signed value.
constexpr i32 sign_extend(u32 v, int width) {
    const u32 shift = 32 - width;
    return static_cast<i32>(v << shift) >> shift;
}

} // namespace insn_field

// Decodes one instruction: a 32-bit word, or a compressed instruction in the
// low 16 bits (the upper bits are then ignored). Reserved and unsupported
// encodings decode to Op::Illegal; the caller keeps the raw bits for mtval.
DecodedInsn decode(u32 raw);

// The two halves of decode(), exposed for tests.
DecodedInsn decode_32(u32 raw);
DecodedInsn decode_16(u16 raw);

} // namespace kite::riscv
