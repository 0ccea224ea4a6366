// Trap entry (exceptions and interrupts), delegation and the xRET
// instructions (privileged spec, "Machine-Level ISA" and "Supervisor-Level ISA").
#include "cpu/riscv/core.h"

namespace kite::riscv {

namespace {

constexpr u64 kInterruptBit = u64{1} << 63;

u64 trap_vector(u64 tvec, u64 cause, bool interrupt) {
    const u64 base = tvec & ~u64{3};
    // Vectored mode sends interrupts to base + 4*cause; exceptions to base.
    if ((tvec & 3) == 1 && interrupt)
        return base + 4 * cause;
    return base;
}

} // namespace

void Core::take_trap(u64 cause, u64 tval, bool interrupt) {
    const u64 deleg = interrupt ? st.mideleg : st.medeleg;
    const bool to_supervisor = st.priv != Privilege::Machine && ((deleg >> cause) & 1) != 0;
    u64 ms = st.mstatus;
    if (to_supervisor) {
        st.scause = cause | (interrupt ? kInterruptBit : 0);
        st.sepc = st.pc;
        st.stval = tval;
        ms = (ms & ~mstatus::SPIE) | ((ms & mstatus::SIE) ? mstatus::SPIE : 0);
        ms &= ~mstatus::SIE;
        ms = (ms & ~mstatus::SPP) | (st.priv == Privilege::Supervisor ? mstatus::SPP : 0);
        st.priv = Privilege::Supervisor;
        st.pc = trap_vector(st.stvec, cause, interrupt);
    } else {
        st.mcause = cause | (interrupt ? kInterruptBit : 0);
        st.mepc = st.pc;
        st.mtval = tval;
        ms = (ms & ~mstatus::MPIE) | ((ms & mstatus::MIE) ? mstatus::MPIE : 0);
        ms &= ~mstatus::MIE;
        ms = (ms & ~mstatus::MPP) | (u64{static_cast<u8>(st.priv)} << mstatus::MPP_SHIFT);
        st.priv = Privilege::Machine;
        st.pc = trap_vector(st.mtvec, cause, interrupt);
    }
    st.mstatus = ms;
    resv_valid = false;
    update_mmu_context();
}

void Core::take_exception() {
    take_trap(m_trap_cause, m_trap_tval, false);
}

bool Core::take_pending_interrupt() {
    const u64 pending = effective_mip() & st.mie;
    if (pending == 0)
        return false;
    // Interrupts for M-mode are enabled below M, or in M with MIE; delegated
    // ones are enabled below S, or in S with SIE, and never in M.
    const bool m_enabled = st.priv != Privilege::Machine || (st.mstatus & mstatus::MIE);
    const bool s_enabled =
        st.priv == Privilege::User || (st.priv == Privilege::Supervisor && (st.mstatus & mstatus::SIE));
    u64 candidates = m_enabled ? (pending & ~st.mideleg) : 0;
    if (candidates == 0 && s_enabled)
        candidates = pending & st.mideleg;
    if (candidates == 0)
        return false;
    static constexpr int kPriority[] = {irq::MEI, irq::MSI, irq::MTI, irq::SEI, irq::SSI, irq::STI};
    for (int cause : kPriority) {
        if (candidates & irq::bit(cause)) {
            take_trap(static_cast<u64>(cause), 0, true);
            return true;
        }
    }
    return false;
}

u64 Core::do_mret() {
    u64 ms = st.mstatus;
    const auto target = static_cast<Privilege>((ms & mstatus::MPP) >> mstatus::MPP_SHIFT);
    ms = (ms & ~mstatus::MIE) | ((ms & mstatus::MPIE) ? mstatus::MIE : 0);
    ms |= mstatus::MPIE;
    ms &= ~mstatus::MPP; // the least-privileged mode, U
    if (target != Privilege::Machine)
        ms &= ~mstatus::MPRV;
    st.mstatus = ms;
    st.priv = target;
    resv_valid = false;
    update_mmu_context();
    end_slice(); // interrupts may have become enabled
    return st.mepc;
}

u64 Core::do_sret() {
    u64 ms = st.mstatus;
    const Privilege target = (ms & mstatus::SPP) ? Privilege::Supervisor : Privilege::User;
    ms = (ms & ~mstatus::SIE) | ((ms & mstatus::SPIE) ? mstatus::SIE : 0);
    ms |= mstatus::SPIE;
    ms &= ~mstatus::SPP;
    ms &= ~mstatus::MPRV; // sret always leaves for a mode below M
    st.mstatus = ms;
    st.priv = target;
    resv_valid = false;
    update_mmu_context();
    end_slice();
    return st.sepc;
}

} // namespace kite::riscv
