// Control transfer within the code segment: CALL RET JMP Jcc LOOP/LOOPcc
// JRCXZ (near forms; 64-bit operand size, as Intel processors use for near
// branches in 64-bit mode whatever the prefixes).
#include "cpu/x86/exec.h"

namespace kite::x86 {

namespace {

// The target of a relative (immediate) or absolute (register, memory) branch.
bool target_of(Core& c, const DecodedInsn& d, u64& target) {
    const Operand& o = d.ops[0];
    if (o.kind == OperandKind::Imm) {
        target = c.next_rip + o.value;
        return true;
    }
    return c.read_operand(d, o, target);
}

// LOOP/LOOPcc count down rCX at the address size and branch while it is not
// 0 and `condition` holds.
bool count_and_branch(Core& c, const DecodedInsn& d, bool condition) {
    const u64 count = (c.reg(RCX, d.addr_size) - 1) & size_mask(d.addr_size);
    if (count != 0 && condition && !c.jump(c.next_rip + d.ops[0].value))
        return false;
    c.set_reg(RCX, d.addr_size, count);
    return true;
}

} // namespace

KITE_X86_HANDLER(Call) {
    u64 target = 0;
    if (!target_of(c, d, target))
        return false;
    if (!is_canonical(target))
        return c.raise(Exception::gp(0));
    if (!c.push(c.next_rip, 8))
        return false;
    c.next_rip = target;
    return true;
}

KITE_X86_HANDLER(Ret) {
    u64 target = 0;
    if (!c.peek_stack(8, 0, target))
        return false;
    if (!is_canonical(target))
        return c.raise(Exception::gp(0));
    const u64 release = d.count > 0 ? (d.ops[0].value & 0xffff) : 0;
    c.st.gpr[RSP] += 8 + release;
    c.next_rip = target;
    return true;
}

KITE_X86_HANDLER(Jmp) {
    u64 target = 0;
    return target_of(c, d, target) && c.jump(target);
}

KITE_X86_HANDLER(Jcc) {
    return c.condition(d.cond) ? c.jump(c.next_rip + d.ops[0].value) : true;
}

KITE_X86_HANDLER(Loop) {
    return count_and_branch(c, d, true);
}

KITE_X86_HANDLER(Loope) {
    return count_and_branch(c, d, c.flag(flag::ZF));
}

KITE_X86_HANDLER(Loopne) {
    return count_and_branch(c, d, !c.flag(flag::ZF));
}

KITE_X86_HANDLER(Jrcxz) {
    return c.reg(RCX, d.addr_size) == 0 ? c.jump(c.next_rip + d.ops[0].value) : true;
}

} // namespace kite::x86
