// Bit instructions: BT BTS BTR BTC, BSF BSR, TZCNT LZCNT POPCNT.
#include "cpu/x86/exec.h"

#include <bit>

namespace kite::x86 {

namespace {

enum class BitOp : u8 { Test, Set, Reset, Complement };

// BT*: CF is the selected bit; the other status flags are left as they were
// (the SDM leaves OF, SF, AF and PF undefined; Unicorn keeps them, except
// right after a multiplication or shift, when it recomputes them).
bool bit_test(Core& c, const DecodedInsn& d, BitOp op) {
    const u8 size = d.op_size;
    const unsigned bits = 8 * size;
    u64 offset = 0;
    if (!c.read_operand(d, d.ops[1], offset))
        return false;
    Operand target = d.ops[0];
    if (target.kind == OperandKind::Mem && d.ops[1].kind == OperandKind::Reg) {
        // A register offset is signed and may select a bit outside the operand.
        const i64 signed_offset = static_cast<i64>(sign_extend(offset, size));
        target.value += static_cast<u64>((signed_offset >> std::countr_zero(bits)) * size);
    }
    const unsigned bit = static_cast<unsigned>(offset & (bits - 1));
    u64 v = 0;
    if (!c.read_operand(d, target, v))
        return false;
    const u64 mask = u64{1} << bit;
    const bool was_set = (v & mask) != 0;
    u64 r = v;
    switch (op) {
    case BitOp::Test:
        break;
    case BitOp::Set:
        r = v | mask;
        break;
    case BitOp::Reset:
        r = v & ~mask;
        break;
    case BitOp::Complement:
        r = v ^ mask;
        break;
    }
    if (op != BitOp::Test && !c.write_operand(d, target, r))
        return false;
    c.set_flags(flag::CF, was_set ? flag::CF : 0);
    return true;
}

// BSF/BSR: ZF says whether the source was 0, and then the destination is
// left alone, all 64 bits of it (undefined in the SDM; what processors do;
// Unicorn zero-extends a 32-bit one). SF and PF (undefined) describe the
// source and CF, OF and AF are 0, as on Unicorn.
template <typename F>
bool bit_scan(Core& c, const DecodedInsn& d, F scan) {
    u64 src = 0;
    if (!c.read_operand(d, d.ops[1], src))
        return false;
    if (src != 0)
        c.set_reg(d.ops[0].reg, d.op_size, scan(src));
    c.set_flags(flag::ARITH, logic_flags(src, d.op_size));
    return true;
}

// TZCNT/LZCNT: CF says the source was 0, ZF that the result is; of the
// undefined flags SF describes the result and OF, AF and PF are 0, as on
// Unicorn.
template <typename F>
bool bit_count(Core& c, const DecodedInsn& d, F count) {
    u64 src = 0;
    if (!c.read_operand(d, d.ops[1], src))
        return false;
    const u64 r = count(src);
    c.set_reg(d.ops[0].reg, d.op_size, r);
    const u64 sz = szp_flags(r, d.op_size) & (flag::SF | flag::ZF);
    c.set_flags(flag::ARITH, sz | (src == 0 ? flag::CF : 0));
    return true;
}

} // namespace

KITE_X86_HANDLER(Bt) {
    return bit_test(c, d, BitOp::Test);
}
KITE_X86_HANDLER(Bts) {
    return bit_test(c, d, BitOp::Set);
}
KITE_X86_HANDLER(Btr) {
    return bit_test(c, d, BitOp::Reset);
}
KITE_X86_HANDLER(Btc) {
    return bit_test(c, d, BitOp::Complement);
}

KITE_X86_HANDLER(Bsf) {
    return bit_scan(c, d, [](u64 v) { return static_cast<u64>(std::countr_zero(v)); });
}

KITE_X86_HANDLER(Bsr) {
    return bit_scan(c, d, [](u64 v) { return static_cast<u64>(63 - std::countl_zero(v)); });
}

KITE_X86_HANDLER(Tzcnt) {
    const unsigned bits = 8 * d.op_size;
    return bit_count(c, d,
                     [bits](u64 v) { return v == 0 ? u64{bits} : static_cast<u64>(std::countr_zero(v)); });
}

KITE_X86_HANDLER(Lzcnt) {
    const unsigned bits = 8 * d.op_size;
    return bit_count(c, d, [bits](u64 v) { return static_cast<u64>(std::countl_zero(v) - (64 - bits)); });
}

// POPCNT: ZF says the source was 0; the other status flags are cleared.
KITE_X86_HANDLER(Popcnt) {
    u64 src = 0;
    if (!c.read_operand(d, d.ops[1], src))
        return false;
    c.set_reg(d.ops[0].reg, d.op_size, static_cast<u64>(std::popcount(src)));
    c.set_flags(flag::ARITH, src == 0 ? flag::ZF : 0);
    return true;
}

} // namespace kite::x86
