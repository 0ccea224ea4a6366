// A human-readable dump of the hart for fatal error reports.
#include "cpu/riscv/core.h"
#include "cpu/riscv/disasm.h"

#include <fmt/format.h>

namespace kite::riscv {

namespace {

constexpr const char* kAbiNames[32] = {"zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "s0", "s1", "a0",
                                       "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
                                       "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"};

const char* privilege_name(Privilege p) {
    switch (p) {
    case Privilege::User:
        return "U";
    case Privilege::Supervisor:
        return "S";
    case Privilege::Machine:
        return "M";
    }
    return "?";
}

} // namespace

std::string Core::describe_state() const {
    std::string out = fmt::format("pc {:#018x}  priv {}", st.pc, privilege_name(st.priv));
    // Only what is already decoded: describing must not touch guest memory.
    if ((st.pc & ~kPageMask) == m_fetch_vbase && m_fetch_page != nullptr) {
        const DecodedInsn& d = m_fetch_page->insns[(st.pc & kPageMask) >> 1];
        if (d.op != Op::NotDecoded)
            out += fmt::format("  insn: {}", disassemble(d, st.pc));
    }
    out += '\n';
    for (int i = 0; i < 32; ++i)
        out += fmt::format("{:>4} {:016x}{}", kAbiNames[i], st.x[i], i % 4 == 3 ? "\n" : "  ");
    const u64 mip = effective_mip();
    out += fmt::format("mstatus {:016x}  mie {:03x}  mip {:03x}  mideleg {:03x}  medeleg {:04x}\n",
                       st.mstatus, st.mie, mip, st.mideleg, st.medeleg);
    out += fmt::format("mepc {:016x}  mcause {:016x}  mtval {:016x}  mtvec {:016x}\n", st.mepc, st.mcause,
                       st.mtval, st.mtvec);
    out += fmt::format("sepc {:016x}  scause {:016x}  stval {:016x}  stvec {:016x}\n", st.sepc, st.scause,
                       st.stval, st.stvec);
    out += fmt::format("satp {:016x}  instret {}  fcsr {:02x}", st.satp, st.minstret,
                       (u32{st.frm} << 5) | st.fflags);
    return out;
}

} // namespace kite::riscv
