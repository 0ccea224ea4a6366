#pragma once

// The status flags an operation produces, as pure functions of its operands
// and result (SDM vol. 1, appendix A; vol. 2 per instruction). Sizes are in
// bytes. Where the SDM leaves a flag undefined these functions give what
// Unicorn (QEMU's TCG) and the differential test agree on; each such choice
// is named at the function.

#include "base/types.h"
#include "cpu/x86/cpu_state.h"

#include <bit>

namespace kite::x86 {

constexpr u64 size_mask(u8 size) {
    return size == 8 ? ~u64{0} : (u64{1} << (8 * size)) - 1;
}
constexpr u64 sign_bit(u8 size) {
    return u64{1} << (8 * size - 1);
}
constexpr u64 sign_extend(u64 v, u8 size) {
    const u8 shift = static_cast<u8>(64 - 8 * size);
    return static_cast<u64>(static_cast<i64>(v << shift) >> shift);
}

// PF: the low byte has an even number of set bits.
constexpr u64 parity_flag(u64 result) {
    return (std::popcount(static_cast<u8>(result)) & 1) == 0 ? flag::PF : 0;
}

// SF, ZF and PF of a result.
constexpr u64 szp_flags(u64 result, u8 size) {
    result &= size_mask(size);
    u64 f = parity_flag(result);
    if (result == 0)
        f |= flag::ZF;
    if (result & sign_bit(size))
        f |= flag::SF;
    return f;
}

// ADD/ADC/INC: r = a + b + carry_in (masked to size).
constexpr u64 add_flags(u64 a, u64 b, u64 r, bool carry_in, u8 size) {
    const u64 m = size_mask(size);
    a &= m;
    b &= m;
    r &= m;
    u64 f = szp_flags(r, size);
    if (r < a || (carry_in && r == a))
        f |= flag::CF;
    if ((a ^ b ^ r) & 0x10)
        f |= flag::AF;
    if ((a ^ r) & (b ^ r) & sign_bit(size))
        f |= flag::OF;
    return f;
}

// SUB/SBB/CMP/DEC/NEG: r = a - b - borrow_in (masked to size).
constexpr u64 sub_flags(u64 a, u64 b, u64 r, bool borrow_in, u8 size) {
    const u64 m = size_mask(size);
    a &= m;
    b &= m;
    r &= m;
    u64 f = szp_flags(r, size);
    if (a < b || (borrow_in && a == b))
        f |= flag::CF;
    if ((a ^ b ^ r) & 0x10)
        f |= flag::AF;
    if ((a ^ b) & (a ^ r) & sign_bit(size))
        f |= flag::OF;
    return f;
}

// AND/OR/XOR/TEST: CF = OF = 0; AF (undefined) is 0, as on Unicorn.
constexpr u64 logic_flags(u64 r, u8 size) {
    return szp_flags(r, size);
}

} // namespace kite::x86
