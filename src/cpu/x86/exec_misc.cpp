// NOPs, flag instructions and the #UD of operations Kite does not execute.
#include "cpu/x86/exec.h"

namespace kite::x86 {

KITE_X86_HANDLER(Invalid) {
    return c.raise(Exception::ud());
}

KITE_X86_HANDLER(Nop) {
    return true;
}

KITE_X86_HANDLER(Clc) {
    c.set_flags(flag::CF, 0);
    return true;
}

KITE_X86_HANDLER(Stc) {
    c.set_flags(flag::CF, flag::CF);
    return true;
}

KITE_X86_HANDLER(Cmc) {
    c.st.rflags ^= flag::CF;
    return true;
}

KITE_X86_HANDLER(Cld) {
    c.set_flags(flag::DF, 0);
    return true;
}

KITE_X86_HANDLER(Std) {
    c.set_flags(flag::DF, flag::DF);
    return true;
}

namespace {
constexpr u64 kAhFlags = flag::SF | flag::ZF | flag::AF | flag::PF | flag::CF;
}

KITE_X86_HANDLER(Lahf) {
    c.set_reg(kHighByte + RAX, 1, (c.st.rflags & kAhFlags) | flag::FIXED1);
    return true;
}

KITE_X86_HANDLER(Sahf) {
    c.set_flags(kAhFlags, c.reg(kHighByte + RAX, 1));
    return true;
}

} // namespace kite::x86
