// Environment calls, breakpoints, xRET, WFI and the fences that act on the
// interpreter's caches (fence.i: decoded instructions; sfence.vma: the TLB).
#include "cpu/riscv/exec.h"

namespace kite::riscv {

KITE_RV_HANDLER(Ecall) {
    switch (c.st.priv) {
    case Privilege::User:
        return c.raise(Exception::EcallFromU, 0);
    case Privilege::Supervisor:
        return c.raise(Exception::EcallFromS, 0);
    case Privilege::Machine:
        return c.raise(Exception::EcallFromM, 0);
    }
    return c.raise(Exception::EcallFromM, 0);
}

KITE_RV_HANDLER(Ebreak) {
    return c.raise(Exception::Breakpoint, pc);
}

KITE_RV_HANDLER(Mret) {
    if (c.st.priv != Privilege::Machine)
        return c.illegal(pc);
    return c.do_mret();
}

KITE_RV_HANDLER(Sret) {
    if (c.st.priv == Privilege::User || (c.st.priv == Privilege::Supervisor && (c.st.mstatus & mstatus::TSR)))
        return c.illegal(pc);
    return c.do_sret();
}

KITE_RV_HANDLER(Wfi) {
    // U-mode WFI is illegal (the "bounded time" the spec allows is zero), and
    // so is S-mode WFI with TW set.
    if (c.st.priv == Privilege::User || (c.st.priv == Privilege::Supervisor && (c.st.mstatus & mstatus::TW)))
        return c.illegal(pc);
    c.enter_wfi();
    return next_pc(d, pc);
}

KITE_RV_HANDLER(SfenceVma) {
    if (c.st.priv == Privilege::User || (c.st.priv == Privilege::Supervisor && (c.st.mstatus & mstatus::TVM)))
        return c.illegal(pc);
    c.flush_tlb(); // address and ASID operands are ignored: everything goes
    return next_pc(d, pc);
}

KITE_RV_HANDLER(FenceI) {
    c.flush_decode_cache();
    return next_pc(d, pc);
}

} // namespace kite::riscv
