// Data movement: MOV and its extending forms, LEA, XCHG, CMOVcc, SETcc, the
// accumulator sign extensions, BSWAP and MOVBE.
#include "cpu/x86/exec.h"

#include <bit>

namespace kite::x86 {

namespace {

u64 byte_swap(u64 v, u8 size) {
    switch (size) {
    case 8:
        return std::byteswap(v);
    case 4:
        return std::byteswap(static_cast<u32>(v));
    case 2:
        return std::byteswap(static_cast<u16>(v));
    default:
        return v;
    }
}

// Writes two operands so that a memory write that faults comes first and no
// register has changed yet.
bool write_pair(Core& c, const DecodedInsn& d, const Operand& a, u64 va, const Operand& b, u64 vb) {
    if (b.kind == OperandKind::Mem) {
        if (!c.write_operand(d, b, vb))
            return false;
        return c.write_operand(d, a, va);
    }
    if (!c.write_operand(d, a, va))
        return false;
    return c.write_operand(d, b, vb);
}

} // namespace

KITE_X86_HANDLER(Mov) {
    u64 v = 0;
    return c.read_operand(d, d.ops[1], v) && c.write_operand(d, d.ops[0], v);
}

KITE_X86_HANDLER(Movzx) {
    u64 v = 0;
    return c.read_operand(d, d.ops[1], v) && c.write_operand(d, d.ops[0], v);
}

KITE_X86_HANDLER(Movsx) {
    u64 v = 0;
    return c.read_operand(d, d.ops[1], v) && c.write_operand(d, d.ops[0], sign_extend(v, d.ops[1].size));
}

KITE_X86_HANDLER(Movsxd) {
    u64 v = 0;
    return c.read_operand(d, d.ops[1], v) && c.write_operand(d, d.ops[0], sign_extend(v, d.ops[1].size));
}

KITE_X86_HANDLER(Lea) {
    return c.write_operand(d, d.ops[0], c.effective_address(d, d.ops[1]));
}

KITE_X86_HANDLER(Xchg) {
    u64 a = 0;
    u64 b = 0;
    if (!c.read_operand(d, d.ops[0], a) || !c.read_operand(d, d.ops[1], b))
        return false;
    return write_pair(c, d, d.ops[0], b, d.ops[1], a);
}

// The source is read (and may fault) whatever the condition; a 32-bit
// destination is written, so zero-extended, even when it is false.
KITE_X86_HANDLER(Cmovcc) {
    u64 v = 0;
    u64 old = 0;
    if (!c.read_operand(d, d.ops[1], v) || !c.read_operand(d, d.ops[0], old))
        return false;
    return c.write_operand(d, d.ops[0], c.condition(d.cond) ? v : old);
}

KITE_X86_HANDLER(Setcc) {
    return c.write_operand(d, d.ops[0], c.condition(d.cond) ? 1 : 0);
}

// CBW, CWDE, CDQE: the accumulator's lower half sign-extended into it.
KITE_X86_HANDLER(Cbw) {
    const u8 half = d.op_size / 2;
    c.set_reg(RAX, d.op_size, sign_extend(c.reg(RAX, half), half));
    return true;
}

// CWD, CDQ, CQO: the accumulator's sign copied into every bit of rDX.
KITE_X86_HANDLER(Cwd) {
    const bool negative = (c.reg(RAX, d.op_size) & sign_bit(d.op_size)) != 0;
    c.set_reg(RDX, d.op_size, negative ? ~u64{0} : 0);
    return true;
}

// With a 16-bit operand the SDM leaves the result undefined; Kite gives 0,
// as Intel processors do (Unicorn swaps the low 32 bits instead).
KITE_X86_HANDLER(Bswap) {
    const u8 reg = d.ops[0].reg;
    if (d.op_size == 2) {
        c.set_reg(reg, 2, 0);
        return true;
    }
    c.set_reg(reg, d.op_size, byte_swap(c.reg(reg, d.op_size), d.op_size));
    return true;
}

KITE_X86_HANDLER(Movbe) {
    u64 v = 0;
    return c.read_operand(d, d.ops[1], v) && c.write_operand(d, d.ops[0], byte_swap(v, d.op_size));
}

} // namespace kite::x86
