// System instructions of long mode: INT3, INT n and IRETQ.
#include "cpu/x86/descriptor.h"
#include "cpu/x86/exec.h"

namespace kite::x86 {

// INT3 and INT n are traps: the loop moves RIP past them and stops with
// the exception, which the caller delivers through the IDT.
KITE_X86_HANDLER(Int3) {
    return c.raise(Exception{.vector = Vector::BP, .software = true});
}

KITE_X86_HANDLER(Int) {
    return c.raise(Exception{.vector = static_cast<Vector>(d.ops[0].value & 0xff), .software = true});
}

// IRETQ: pops RIP, CS, RFLAGS, RSP and SS, returning to the same or an
// outer privilege level.
KITE_X86_HANDLER(Iretq) {
    if (d.op_size != 8)
        return c.raise(Exception::ud()); // IRETD/IRET in 64-bit mode: not yet
    u64 frame[5] = {};
    if (!c.read(c.st.gpr[RSP], frame, sizeof frame, SS))
        return false;
    const u64 rip = frame[0];
    const u16 cs_sel = static_cast<u16>(frame[1]);
    const u16 ss_sel = static_cast<u16>(frame[4]);
    const u8 rpl = cs_sel & 3;
    if (rpl < c.st.cpl())
        return c.raise(Exception::gp(cs_sel & ~u32{3}));
    Descriptor cs;
    if (!read_descriptor(c, cs_sel, cs))
        return false;
    if (!cs.code() || !cs.long_mode() || cs.dpl() != rpl)
        return c.raise(Exception::gp(cs_sel & ~u32{3}));
    if (!cs.present())
        return c.raise(Exception{.vector = Vector::NP, .error_code = cs_sel & ~u32{3}});
    if (!is_canonical(rip))
        return c.raise(Exception::gp(0));
    Segment ss{.selector = ss_sel};
    if ((ss_sel & ~3) != 0) {
        Descriptor sd;
        if (!read_descriptor(c, ss_sel, sd))
            return false;
        ss = segment_from(ss_sel, sd);
    } else if (rpl == 3) {
        return c.raise(Exception::gp(0)); // a null SS only for rings 0-2
    }
    // At CPL 0 every flag POPF may change, IOPL and IF included.
    constexpr u64 kWritable = flag::ARITH | flag::TF | flag::IF | flag::DF | 0x3000 | 0x4000 | 0x10000 |
                              0x40000 | 0x80000 | 0x100000 | 0x200000;
    const u64 mask = c.st.cpl() == 0 ? kWritable : kWritable & ~u64{0x3000 | flag::IF};
    c.st.rflags = (c.st.rflags & ~mask) | (frame[2] & mask) | flag::FIXED1;
    c.st.seg[CS] = segment_from(cs_sel, cs);
    c.st.seg[SS] = ss;
    c.st.gpr[RSP] = frame[3];
    c.next_rip = rip;
    return true;
}

} // namespace kite::x86
