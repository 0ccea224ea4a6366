// String instructions: MOVS STOS LODS CMPS SCAS, with REP/REPE/REPNE.
//
// Each iteration commits its register updates, so a fault in the middle
// leaves RSI/RDI/RCX describing the finished iterations and RIP at the
// instruction, which resumes it. A long REP runs at most kRepChunk
// iterations per execution and then restarts itself (RIP unchanged), which
// is also where interrupts will be taken.
#include "cpu/x86/exec.h"

namespace kite::x86 {

namespace {

constexpr u64 kRepChunk = 4096;

enum class Kind : u8 { Movs, Stos, Lods, Cmps, Scas };

// rSI/rDI/rCX at the address size.
u64 areg(const Core& c, const DecodedInsn& d, u8 r) {
    return c.reg(r, d.addr_size);
}
void advance(Core& c, const DecodedInsn& d, u8 r) {
    const u64 step = c.flag(flag::DF) ? 0 - u64{d.op_size} : u64{d.op_size};
    c.set_reg(r, d.addr_size, c.reg(r, d.addr_size) + step);
}

// One iteration; false after a fault.
bool once(Core& c, const DecodedInsn& d, Kind kind) {
    const u8 size = d.op_size;
    const u64 src = c.linear(d.data_segment, areg(c, d, RSI));
    const u64 dst = areg(c, d, RDI); // ES: base 0 in 64-bit mode
    u64 a = 0;
    u64 b = 0;
    switch (kind) {
    case Kind::Movs:
        if (!c.read_value(src, size, a, d.data_segment) || !c.write_value(dst, size, a, ES))
            return false;
        advance(c, d, RSI);
        advance(c, d, RDI);
        return true;
    case Kind::Stos:
        if (!c.write_value(dst, size, c.reg(RAX, size), ES))
            return false;
        advance(c, d, RDI);
        return true;
    case Kind::Lods:
        if (!c.read_value(src, size, a, d.data_segment))
            return false;
        c.set_reg(RAX, size, a);
        advance(c, d, RSI);
        return true;
    case Kind::Cmps:
        if (!c.read_value(src, size, a, d.data_segment) || !c.read_value(dst, size, b, ES))
            return false;
        c.set_flags(flag::ARITH, sub_flags(a, b, a - b, false, size));
        advance(c, d, RSI);
        advance(c, d, RDI);
        return true;
    case Kind::Scas:
        a = c.reg(RAX, size);
        if (!c.read_value(dst, size, b, ES))
            return false;
        c.set_flags(flag::ARITH, sub_flags(a, b, a - b, false, size));
        advance(c, d, RDI);
        return true;
    }
    return true;
}

bool run(Core& c, const DecodedInsn& d, Kind kind) {
    if (d.rep == Rep::None)
        return once(c, d, kind);
    const bool compares = kind == Kind::Cmps || kind == Kind::Scas;
    for (u64 n = 0; n < kRepChunk; ++n) {
        const u64 count = areg(c, d, RCX);
        if (count == 0)
            return true;
        if (!once(c, d, kind))
            return false;
        c.set_reg(RCX, d.addr_size, count - 1);
        if (compares && d.rep == Rep::Repe && !c.flag(flag::ZF))
            return true;
        if (compares && d.rep == Rep::Repne && c.flag(flag::ZF))
            return true;
    }
    if (areg(c, d, RCX) != 0)
        c.next_rip = c.st.rip; // more to do: execute it again
    return true;
}

} // namespace

KITE_X86_HANDLER(Movs) {
    return run(c, d, Kind::Movs);
}
KITE_X86_HANDLER(Stos) {
    return run(c, d, Kind::Stos);
}
KITE_X86_HANDLER(Lods) {
    return run(c, d, Kind::Lods);
}
KITE_X86_HANDLER(Cmps) {
    return run(c, d, Kind::Cmps);
}
KITE_X86_HANDLER(Scas) {
    return run(c, d, Kind::Scas);
}

} // namespace kite::x86
