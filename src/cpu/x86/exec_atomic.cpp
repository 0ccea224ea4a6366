// The read-modify-write exchanges: XADD, CMPXCHG, CMPXCHG8B, CMPXCHG16B. One
// interpreter thread runs them whole, so LOCK needs nothing more.
#include "cpu/x86/exec.h"

namespace kite::x86 {

// TEMP = SRC + DEST; SRC = DEST; DEST = TEMP (a register destination is
// written last, so XADD r, r leaves the sum).
KITE_X86_HANDLER(Xadd) {
    u64 dst = 0;
    u64 src = 0;
    if (!c.read_operand(d, d.ops[0], dst) || !c.read_operand(d, d.ops[1], src))
        return false;
    const u64 sum = dst + src;
    if (d.ops[0].kind == OperandKind::Mem) {
        if (!c.write_operand(d, d.ops[0], sum))
            return false;
        c.set_reg(d.ops[1].reg, d.op_size, dst);
    } else {
        c.set_reg(d.ops[1].reg, d.op_size, dst);
        c.set_reg(d.ops[0].reg, d.op_size, sum);
    }
    c.set_flags(flag::ARITH, add_flags(dst, src, sum, false, d.op_size));
    return true;
}

// Equal: DEST = SRC, the accumulator unchanged. Not equal: the accumulator
// gets DEST; a memory destination is written back with its own value (the
// locked cycle always writes), a register one is left alone.
KITE_X86_HANDLER(Cmpxchg) {
    u64 dst = 0;
    u64 src = 0;
    if (!c.read_operand(d, d.ops[0], dst) || !c.read_operand(d, d.ops[1], src))
        return false;
    const u64 acc = c.reg(RAX, d.op_size);
    const bool equal = acc == dst;
    if (equal || d.ops[0].kind == OperandKind::Mem) {
        if (!c.write_operand(d, d.ops[0], equal ? src : dst))
            return false;
    }
    if (!equal)
        c.set_reg(RAX, d.op_size, dst);
    c.set_flags(flag::ARITH, sub_flags(acc, dst, acc - dst, false, d.op_size));
    return true;
}

KITE_X86_HANDLER(Cmpxchg8b) {
    const Operand& m = d.ops[0];
    const u64 addr = c.linear(m.segment, c.effective_address(d, m));
    u64 old = 0;
    if (!c.read_value(addr, 8, old, m.segment))
        return false;
    const u64 expected = (c.reg(RDX, 4) << 32) | c.reg(RAX, 4);
    const bool equal = old == expected;
    const u64 store = equal ? (c.reg(RCX, 4) << 32) | c.reg(RBX, 4) : old;
    if (!c.write_value(addr, 8, store, m.segment))
        return false;
    if (!equal) {
        c.set_reg(RAX, 4, old & 0xffffffff);
        c.set_reg(RDX, 4, old >> 32);
    }
    c.set_flags(flag::ZF, equal ? flag::ZF : 0);
    return true;
}

// CMPXCHG16B needs a 16-byte aligned operand (#GP(0) otherwise).
KITE_X86_HANDLER(Cmpxchg16b) {
    const Operand& m = d.ops[0];
    const u64 addr = c.linear(m.segment, c.effective_address(d, m));
    if (addr & 15)
        return c.raise(Exception::gp(0));
    u64 old[2] = {};
    if (!c.read(addr, old, 16, m.segment))
        return false;
    const bool equal = old[0] == c.st.gpr[RAX] && old[1] == c.st.gpr[RDX];
    const u64 store[2] = {equal ? c.st.gpr[RBX] : old[0], equal ? c.st.gpr[RCX] : old[1]};
    if (!c.write(addr, store, 16, m.segment))
        return false;
    if (!equal) {
        c.st.gpr[RAX] = old[0];
        c.st.gpr[RDX] = old[1];
    }
    c.set_flags(flag::ZF, equal ? flag::ZF : 0);
    return true;
}

} // namespace kite::x86
