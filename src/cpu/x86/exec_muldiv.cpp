// MUL, IMUL (one, two and three operands), DIV and IDIV.
//
// The SDM leaves SF, ZF, AF and PF undefined after a multiplication and
// every status flag undefined after a division. Kite follows Unicorn: after a
// multiplication SF, ZF and PF describe the low half of the product and AF is
// 0; a division leaves the flags unchanged.
#include "cpu/x86/exec.h"

namespace kite::x86 {

namespace {

using u128 = unsigned __int128;
using i128 = __int128;

// The double-width accumulator pair of a size: AH:AL (as AX), DX:AX, EDX:EAX,
// RDX:RAX.
u128 read_pair(const Core& c, u8 size) {
    if (size == 1)
        return c.reg(RAX, 2);
    return (u128{c.reg(RDX, size)} << (8 * size)) | c.reg(RAX, size);
}

void write_pair(Core& c, u8 size, u64 low, u64 high) {
    if (size == 1) {
        c.set_reg(RAX, 2, (low & 0xff) | ((high & 0xff) << 8));
        return;
    }
    c.set_reg(RAX, size, low);
    c.set_reg(RDX, size, high);
}

void set_mul_flags(Core& c, u64 low, bool overflow, u8 size) {
    u64 f = szp_flags(low, size);
    if (overflow)
        f |= flag::CF | flag::OF;
    c.set_flags(flag::ARITH, f);
}

} // namespace

KITE_X86_HANDLER(Mul) {
    u64 src = 0;
    if (!c.read_operand(d, d.ops[0], src))
        return false;
    const u8 size = d.op_size;
    const u128 product = u128{c.reg(RAX, size)} * src;
    const u64 low = static_cast<u64>(product) & size_mask(size);
    const u64 high = static_cast<u64>(product >> (8 * size)) & size_mask(size);
    write_pair(c, size, low, high);
    set_mul_flags(c, low, high != 0, size);
    return true;
}

KITE_X86_HANDLER(Imul) {
    const u8 size = d.op_size;
    if (d.count == 1) {
        u64 src = 0;
        if (!c.read_operand(d, d.ops[0], src))
            return false;
        const i128 product = i128{static_cast<i64>(sign_extend(c.reg(RAX, size), size))} *
                             static_cast<i64>(sign_extend(src, size));
        const u64 low = static_cast<u64>(product) & size_mask(size);
        const u64 high = static_cast<u64>(static_cast<u128>(product) >> (8 * size)) & size_mask(size);
        write_pair(c, size, low, high);
        set_mul_flags(c, low, static_cast<i128>(static_cast<i64>(sign_extend(low, size))) != product, size);
        return true;
    }
    // IMUL r, r/m and IMUL r, r/m, imm: the product truncated to the destination.
    u64 a = 0;
    u64 b = 0;
    const Operand& src1 = d.count == 3 ? d.ops[1] : d.ops[0];
    const Operand& src2 = d.count == 3 ? d.ops[2] : d.ops[1];
    if (!c.read_operand(d, src1, a) || !c.read_operand(d, src2, b))
        return false;
    const i128 product =
        i128{static_cast<i64>(sign_extend(a, size))} * static_cast<i64>(sign_extend(b, size));
    const u64 low = static_cast<u64>(product) & size_mask(size);
    c.set_reg(d.ops[0].reg, size, low);
    set_mul_flags(c, low, static_cast<i128>(static_cast<i64>(sign_extend(low, size))) != product, size);
    return true;
}

KITE_X86_HANDLER(Div) {
    u64 divisor = 0;
    if (!c.read_operand(d, d.ops[0], divisor))
        return false;
    if (divisor == 0)
        return c.raise(Exception::de());
    const u8 size = d.op_size;
    const u128 dividend = read_pair(c, size);
    const u128 quotient = dividend / divisor;
    if (quotient > size_mask(size))
        return c.raise(Exception::de());
    write_pair(c, size, static_cast<u64>(quotient), static_cast<u64>(dividend % divisor));
    return true;
}

KITE_X86_HANDLER(Idiv) {
    u64 raw = 0;
    if (!c.read_operand(d, d.ops[0], raw))
        return false;
    const u8 size = d.op_size;
    const i64 divisor = static_cast<i64>(sign_extend(raw, size));
    if (divisor == 0)
        return c.raise(Exception::de());
    // The dividend, sign-extended from twice the operand size.
    const unsigned bits = 16 * size;
    u128 pair = read_pair(c, size);
    if (bits < 128)
        pair = (pair << (128 - bits));
    const i128 dividend = static_cast<i128>(pair) >> (128 - bits);
    if (divisor == -1 && dividend == static_cast<i128>(u128{1} << 127))
        return c.raise(Exception::de()); // the one quotient i128 cannot hold
    const i128 quotient = dividend / divisor;
    const i128 remainder = dividend % divisor;
    const i128 max = static_cast<i128>(sign_bit(size) - 1);
    if (quotient > max || quotient < -max - 1)
        return c.raise(Exception::de());
    write_pair(c, size, static_cast<u64>(quotient), static_cast<u64>(remainder));
    return true;
}

} // namespace kite::x86
