// Shifts and rotates: SHL/SAL SHR SAR ROL ROR RCL RCR SHLD SHRD.
//
// The count is masked to 5 bits (6 with a 64-bit operand); a masked count of
// 0 changes no flags and no value (a 32-bit register is still zero-extended). Where the SDM leaves flags
// undefined (OF after a count above 1, AF, CF after a count at or above the operand width) Kite computes them
// as Unicorn does: CF is the last bit shifted out of the operand zero- (SHL, SHR) or sign-extended (SAR) to
// 64 bits, OF is the top bit of the result XOR CF after a left shift and the top bit of the value before the
// last one-bit step XOR the result's after a right shift, and AF is 0.
#include "cpu/x86/exec.h"

namespace kite::x86 {

namespace {

using u128 = unsigned __int128;

u8 masked_count(const DecodedInsn& d, u64 count) {
    return static_cast<u8>(count & (d.op_size == 8 ? 0x3f : 0x1f));
}

// Reads the destination and the masked count (CL, an immediate or 1).
bool operands(Core& c, const DecodedInsn& d, const Operand& count_op, u64& value, u8& count) {
    u64 raw = 1;
    if (count_op.kind != OperandKind::None && !c.read_operand(d, count_op, raw))
        return false;
    count = masked_count(d, raw);
    return c.read_operand(d, d.ops[0], value);
}

u64 top_bit(u64 v, u8 size) {
    return (v >> (8 * size - 1)) & 1;
}

// Writes the result and the flags of a shift: SF ZF PF from the result, AF 0.
bool finish_shift(Core& c, const DecodedInsn& d, u64 result, bool cf, bool of) {
    if (!c.write_operand(d, d.ops[0], result))
        return false;
    u64 f = szp_flags(result, d.op_size);
    if (cf)
        f |= flag::CF;
    if (of)
        f |= flag::OF;
    c.set_flags(flag::ARITH, f);
    return true;
}

// A masked count of 0 changes nothing, except that a 32-bit register
// destination is still written, so zero-extended (as processors do).
bool unchanged(Core& c, const DecodedInsn& d, u64 value) {
    if (d.ops[0].kind == OperandKind::Reg && d.op_size == 4)
        c.set_reg(d.ops[0].reg, 4, value);
    return true;
}

// ROL, ROR, RCL, RCR change only CF and OF.
bool finish_rotate(Core& c, const DecodedInsn& d, u64 result, bool cf, bool of) {
    if (!c.write_operand(d, d.ops[0], result))
        return false;
    c.set_flags(flag::CF | flag::OF, (cf ? flag::CF : 0) | (of ? flag::OF : 0));
    return true;
}

} // namespace

KITE_X86_HANDLER(Shl) {
    u64 a = 0;
    u8 n = 0;
    if (!operands(c, d, d.ops[1], a, n))
        return false;
    if (n == 0)
        return unchanged(c, d, a);
    const u64 before_last = a << (n - 1);
    const u64 r = (before_last << 1) & size_mask(d.op_size);
    const bool cf = top_bit(before_last, d.op_size);
    return finish_shift(c, d, r, cf, top_bit(r, d.op_size) != cf);
}

KITE_X86_HANDLER(Shr) {
    u64 a = 0;
    u8 n = 0;
    if (!operands(c, d, d.ops[1], a, n))
        return false;
    if (n == 0)
        return unchanged(c, d, a);
    const u64 before_last = a >> (n - 1);
    const u64 r = before_last >> 1;
    return finish_shift(c, d, r, before_last & 1, top_bit(before_last ^ r, d.op_size));
}

KITE_X86_HANDLER(Sar) {
    u64 a = 0;
    u8 n = 0;
    if (!operands(c, d, d.ops[1], a, n))
        return false;
    if (n == 0)
        return unchanged(c, d, a);
    const i64 s = static_cast<i64>(sign_extend(a, d.op_size));
    const u64 before_last = static_cast<u64>(s >> (n - 1));
    const u64 r = static_cast<u64>(static_cast<i64>(before_last) >> 1);
    return finish_shift(c, d, r & size_mask(d.op_size), before_last & 1, top_bit(before_last ^ r, d.op_size));
}

KITE_X86_HANDLER(Rol) {
    u64 a = 0;
    u8 n = 0;
    if (!operands(c, d, d.ops[1], a, n))
        return false;
    if (n == 0)
        return unchanged(c, d, a);
    const unsigned bits = 8 * d.op_size;
    const unsigned k = n % bits;
    const u64 r = k == 0 ? a : ((a << k) | (a >> (bits - k))) & size_mask(d.op_size);
    const bool cf = r & 1;
    return finish_rotate(c, d, r, cf, top_bit(r, d.op_size) != cf);
}

KITE_X86_HANDLER(Ror) {
    u64 a = 0;
    u8 n = 0;
    if (!operands(c, d, d.ops[1], a, n))
        return false;
    if (n == 0)
        return unchanged(c, d, a);
    const unsigned bits = 8 * d.op_size;
    const unsigned k = n % bits;
    const u64 r = k == 0 ? a : ((a >> k) | (a << (bits - k))) & size_mask(d.op_size);
    const bool cf = top_bit(r, d.op_size);
    return finish_rotate(c, d, r, cf, cf != static_cast<bool>((r >> (bits - 2)) & 1));
}

namespace {

// RCL and RCR rotate the (width + 1)-bit value CF:operand; the count is taken
// modulo width + 1 (so an 8- or 16-bit rotate by 9 or 17 changes nothing).
// OF is the top bit of the operand before XOR after.
bool rotate_through_carry(Core& c, const DecodedInsn& d, bool left) {
    u64 a = 0;
    u8 n = 0;
    if (!operands(c, d, d.ops[1], a, n))
        return false;
    const unsigned bits = 8 * d.op_size;
    const unsigned k = n % (bits + 1);
    if (k == 0)
        return unchanged(c, d, a);
    const u128 mask = (u128{1} << (bits + 1)) - 1;
    const u128 v = (u128{c.flag(flag::CF) ? 1u : 0u} << bits) | a;
    const unsigned l = left ? k : bits + 1 - k; // as a left rotation
    const u128 rot = ((v << l) | (v >> (bits + 1 - l))) & mask;
    const u64 r = static_cast<u64>(rot) & size_mask(d.op_size);
    return finish_rotate(c, d, r, static_cast<bool>((rot >> bits) & 1), top_bit(a ^ r, d.op_size));
}

} // namespace

KITE_X86_HANDLER(Rcl) {
    return rotate_through_carry(c, d, true);
}

KITE_X86_HANDLER(Rcr) {
    return rotate_through_carry(c, d, false);
}

// SHLD dst, src, count: dst:src shifted left, the top half kept. With a
// 16-bit operand and a count above 16 (undefined in the SDM) the bits
// shifted in come from dst:src:dst, as Intel processors do it.
KITE_X86_HANDLER(Shld) {
    u64 a = 0;
    u8 n = 0;
    u64 src = 0;
    if (!operands(c, d, d.ops[2], a, n) || !c.read_operand(d, d.ops[1], src))
        return false;
    if (n == 0)
        return unchanged(c, d, a);
    const unsigned bits = 8 * d.op_size;
    u128 v = (u128{a} << bits) | src;
    unsigned width = 2 * bits;
    if (bits == 16 && n > 16) {
        v = (v << 16) | a;
        width = 48;
    }
    const u128 before_last = v << (n - 1);
    const u64 r = static_cast<u64>((before_last << 1) >> (width - bits)) & size_mask(d.op_size);
    const bool cf = static_cast<bool>((before_last >> (width - 1)) & 1);
    return finish_shift(c, d, r, cf, top_bit(r, d.op_size) != cf);
}

// SHRD dst, src, count: src:dst shifted right, the bottom half kept.
KITE_X86_HANDLER(Shrd) {
    u64 a = 0;
    u8 n = 0;
    u64 src = 0;
    if (!operands(c, d, d.ops[2], a, n) || !c.read_operand(d, d.ops[1], src))
        return false;
    if (n == 0)
        return unchanged(c, d, a);
    const unsigned bits = 8 * d.op_size;
    u128 v = (u128{src} << bits) | a;
    if (bits == 16 && n > 16)
        v |= u128{a} << 32;
    const u128 before_last = v >> (n - 1);
    const u64 r = static_cast<u64>(before_last >> 1) & size_mask(d.op_size);
    // OF (undefined above a count of 1) as Unicorn: with a 64-bit operand the
    // value before the last step is the destination alone, shifted.
    const u64 t = bits == 64 ? a >> (n - 1) : static_cast<u64>(before_last) & size_mask(d.op_size);
    return finish_shift(c, d, r, before_last & 1, top_bit(t ^ r, d.op_size));
}

} // namespace kite::x86
