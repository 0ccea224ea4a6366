// The stack: PUSH POP PUSHF POPF ENTER LEAVE (64-bit stack width; operand
// size 8, or 2 with a 66 prefix).
#include "cpu/x86/exec.h"

namespace kite::x86 {

namespace {

// The RFLAGS bits POPF may change at CPL 0: CF PF AF ZF SF TF IF DF OF,
// IOPL, NT, AC and ID (RF is cleared; VM, VIF and VIP are kept).
constexpr u64 kPopfMask = flag::ARITH | flag::TF | flag::IF | flag::DF | 0x3000 | 0x4000 | 0x40000 | 0x200000;
constexpr u64 kRf = 0x10000;
constexpr u64 kVm = 0x20000;

} // namespace

// PUSH RSP pushes the value RSP had before the instruction.
KITE_X86_HANDLER(Push) {
    u64 v = 0;
    return c.read_operand(d, d.ops[0], v) && c.push(v, d.op_size);
}

// POP into memory addressed through RSP uses RSP after the pop; POP RSP
// loads the popped value.
KITE_X86_HANDLER(Pop) {
    u64 v = 0;
    if (!c.peek_stack(d.op_size, 0, v))
        return false;
    const u64 old_rsp = c.st.gpr[RSP];
    c.st.gpr[RSP] = old_rsp + d.op_size;
    if (!c.write_operand(d, d.ops[0], v)) {
        c.st.gpr[RSP] = old_rsp;
        return false;
    }
    return true;
}

KITE_X86_HANDLER(Pushf) {
    return c.push(c.st.rflags & ~(kRf | kVm), d.op_size);
}

KITE_X86_HANDLER(Popf) {
    u64 v = 0;
    if (!c.pop(d.op_size, v))
        return false;
    const u64 mask = kPopfMask & size_mask(d.op_size);
    c.st.rflags = ((c.st.rflags & ~mask & ~kRf) | (v & mask)) | flag::FIXED1;
    return true;
}

// ENTER size, level: push RBP, copy level - 1 outer frame pointers, push the
// new frame pointer, then reserve `size` bytes. The registers change only
// once every write has succeeded.
KITE_X86_HANDLER(Enter) {
    const u8 w = d.op_size;
    const u64 alloc = d.ops[0].value & 0xffff;
    const unsigned level = d.ops[1].value & 31;
    u64 rsp = c.st.gpr[RSP] - w;
    if (!c.write_value(rsp, w, c.reg(RBP, w), SS))
        return false;
    const u64 frame = rsp;
    u64 rbp = c.st.gpr[RBP];
    if (level > 0) {
        for (unsigned i = 1; i < level; ++i) {
            rbp -= w;
            u64 outer = 0;
            if (!c.read_value(rbp, w, outer, SS))
                return false;
            rsp -= w;
            if (!c.write_value(rsp, w, outer, SS))
                return false;
        }
        rsp -= w;
        if (!c.write_value(rsp, w, frame, SS))
            return false;
    }
    c.set_reg(RBP, w, frame);
    c.st.gpr[RSP] = rsp - alloc;
    return true;
}

KITE_X86_HANDLER(Leave) {
    u64 v = 0;
    const u64 frame = c.st.gpr[RBP];
    if (!c.read_value(frame, d.op_size, v, SS))
        return false;
    c.st.gpr[RSP] = frame + d.op_size;
    c.set_reg(RBP, d.op_size, v);
    return true;
}

} // namespace kite::x86
