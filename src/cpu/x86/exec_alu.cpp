// Integer arithmetic and logic: ADD ADC SUB SBB AND OR XOR CMP TEST, INC DEC
// NEG NOT.
#include "cpu/x86/exec.h"

namespace kite::x86 {

namespace {

enum class Write : u8 { Result, FlagsOnly };

// dst op= src for the two-operand forms; `compute` returns the result and
// sets `flags` (all six status flags).
template <typename F>
bool binary(Core& c, const DecodedInsn& d, Write write, F compute) {
    u64 a = 0;
    u64 b = 0;
    if (!c.read_operand(d, d.ops[0], a) || !c.read_operand(d, d.ops[1], b))
        return false;
    u64 flags = 0;
    const u64 r = compute(a, b, flags) & size_mask(d.op_size);
    if (write == Write::Result && !c.write_operand(d, d.ops[0], r))
        return false;
    c.set_flags(flag::ARITH, flags);
    return true;
}

} // namespace

namespace {

// ADD/ADC and SUB/SBB/CMP, with the carry (borrow) coming in.
bool add(Core& c, const DecodedInsn& d, bool carry) {
    return binary(c, d, Write::Result, [&](u64 a, u64 b, u64& f) {
        const u64 r = a + b + (carry ? 1 : 0);
        f = add_flags(a, b, r, carry, d.op_size);
        return r;
    });
}

bool sub(Core& c, const DecodedInsn& d, bool borrow, Write write) {
    return binary(c, d, write, [&](u64 a, u64 b, u64& f) {
        const u64 r = a - b - (borrow ? 1 : 0);
        f = sub_flags(a, b, r, borrow, d.op_size);
        return r;
    });
}

} // namespace

KITE_X86_HANDLER(Add) {
    return add(c, d, false);
}

KITE_X86_HANDLER(Adc) {
    return add(c, d, c.flag(flag::CF));
}

KITE_X86_HANDLER(Sub) {
    return sub(c, d, false, Write::Result);
}

KITE_X86_HANDLER(Sbb) {
    return sub(c, d, c.flag(flag::CF), Write::Result);
}

KITE_X86_HANDLER(Cmp) {
    return sub(c, d, false, Write::FlagsOnly);
}

KITE_X86_HANDLER(And) {
    return binary(c, d, Write::Result, [&](u64 a, u64 b, u64& f) {
        f = logic_flags(a & b, d.op_size);
        return a & b;
    });
}

KITE_X86_HANDLER(Or) {
    return binary(c, d, Write::Result, [&](u64 a, u64 b, u64& f) {
        f = logic_flags(a | b, d.op_size);
        return a | b;
    });
}

KITE_X86_HANDLER(Xor) {
    return binary(c, d, Write::Result, [&](u64 a, u64 b, u64& f) {
        f = logic_flags(a ^ b, d.op_size);
        return a ^ b;
    });
}

KITE_X86_HANDLER(Test) {
    return binary(c, d, Write::FlagsOnly, [&](u64 a, u64 b, u64& f) {
        f = logic_flags(a & b, d.op_size);
        return a & b;
    });
}

// INC and DEC leave CF alone.
KITE_X86_HANDLER(Inc) {
    u64 a = 0;
    if (!c.read_operand(d, d.ops[0], a))
        return false;
    const u64 r = a + 1;
    if (!c.write_operand(d, d.ops[0], r))
        return false;
    c.set_flags(flag::ARITH & ~flag::CF, add_flags(a, 1, r, false, d.op_size));
    return true;
}

KITE_X86_HANDLER(Dec) {
    u64 a = 0;
    if (!c.read_operand(d, d.ops[0], a))
        return false;
    const u64 r = a - 1;
    if (!c.write_operand(d, d.ops[0], r))
        return false;
    c.set_flags(flag::ARITH & ~flag::CF, sub_flags(a, 1, r, false, d.op_size));
    return true;
}

KITE_X86_HANDLER(Neg) {
    u64 a = 0;
    if (!c.read_operand(d, d.ops[0], a))
        return false;
    const u64 r = 0 - a;
    if (!c.write_operand(d, d.ops[0], r))
        return false;
    c.set_flags(flag::ARITH, sub_flags(0, a, r, false, d.op_size));
    return true;
}

KITE_X86_HANDLER(Not) {
    u64 a = 0;
    return c.read_operand(d, d.ops[0], a) && c.write_operand(d, d.ops[0], ~a);
}

} // namespace kite::x86
