// System instructions of long mode: INT3, INT n, IRETQ, SYSCALL, SYSRET,
// SWAPGS, RDMSR and WRMSR.
#include "cpu/x86/descriptor.h"
#include "cpu/x86/exec.h"
#include "cpu/x86/msr.h"

#include <utility>

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

namespace kite::x86 {

namespace {

// The flat 64-bit segments SYSCALL and SYSRET load (their descriptors are
// not read): code with L set, data writable, both with base 0, limit 4 GiB.
Segment flat_code(u16 selector, u8 dpl) {
    return Segment{
        .selector = selector, .base = 0, .limit = 0xffffffff, .attr = static_cast<u16>(0xa9b | (dpl << 5))};
}
Segment flat_data(u16 selector, u8 dpl) {
    return Segment{
        .selector = selector, .base = 0, .limit = 0xffffffff, .attr = static_cast<u16>(0xc93 | (dpl << 5))};
}

constexpr u64 kRf = 0x10000;

} // namespace

// SYSCALL: RCX = the next RIP, R11 = RFLAGS, CS/SS from STAR[47:32], RIP =
// LSTAR, RFLAGS masked by SFMASK. #UD unless EFER.SCE.
KITE_X86_HANDLER(Syscall) {
    CpuState& st = c.st;
    if ((st.efer & efer::SCE) == 0)
        return c.raise(Exception::ud());
    const u16 base = static_cast<u16>((st.star >> 32) & 0xfffc);
    st.gpr[RCX] = c.next_rip;
    st.gpr[R11] = st.rflags & ~kRf;
    st.seg[CS] = flat_code(base, 0);
    st.seg[SS] = flat_data(static_cast<u16>(base + 8), 0);
    st.rflags = (st.rflags & ~(st.sfmask | kRf)) | flag::FIXED1;
    c.next_rip = st.lstar;
    return true;
}

// SYSRET (64-bit operand size): RIP = RCX, RFLAGS = R11, CS/SS from
// STAR[63:48] at CPL 3. SYSRET to compatibility mode (32-bit operand size)
// is #UD until that mode exists.
KITE_X86_HANDLER(Sysret) {
    CpuState& st = c.st;
    if ((st.efer & efer::SCE) == 0 || d.op_size != 8)
        return c.raise(Exception::ud());
    if (st.cpl() != 0 || !is_canonical(st.gpr[RCX]))
        return c.raise(Exception::gp(0));
    const u16 base = static_cast<u16>((st.star >> 48) & 0xfffc);
    st.seg[CS] = flat_code(static_cast<u16>((base + 16) | 3), 3);
    st.seg[SS] = flat_data(static_cast<u16>((base + 8) | 3), 3);
    st.rflags = (st.gpr[R11] & 0x3c7fd7) | flag::FIXED1;
    c.next_rip = st.gpr[RCX];
    return true;
}

KITE_X86_HANDLER(Swapgs) {
    if (c.st.cpl() != 0)
        return c.raise(Exception::gp(0));
    std::swap(c.st.seg[GS].base, c.st.kernel_gs_base);
    return true;
}

KITE_X86_HANDLER(Rdmsr) {
    if (c.st.cpl() != 0)
        return c.raise(Exception::gp(0));
    u64 v = 0;
    if (!read_msr(c, static_cast<u32>(c.st.gpr[RCX]), v))
        return false;
    c.set_reg(RAX, 4, v & 0xffffffff);
    c.set_reg(RDX, 4, v >> 32);
    return true;
}

KITE_X86_HANDLER(Wrmsr) {
    if (c.st.cpl() != 0)
        return c.raise(Exception::gp(0));
    const u64 v = (c.reg(RDX, 4) << 32) | c.reg(RAX, 4);
    return write_msr(c, static_cast<u32>(c.st.gpr[RCX]), v);
}

} // namespace kite::x86
