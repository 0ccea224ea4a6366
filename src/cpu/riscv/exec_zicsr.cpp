// Zicsr. CSRRW with rd=x0 does not read the CSR; CSRRS/CSRRC with rs1=x0 (or
// a zero immediate) do not write it, so they may read read-only CSRs.
#include "cpu/riscv/exec.h"

namespace kite::riscv {

namespace {

enum class CsrOp { Write, Set, Clear };

u64 csr_op(Core& c, const DecodedInsn& d, u64 pc, CsrOp op, u64 operand, bool operand_is_zero) {
    const u16 number = static_cast<u16>(d.imm);
    const bool do_read = op != CsrOp::Write || d.rd != 0;
    const bool do_write = op == CsrOp::Write || !operand_is_zero;
    if (!c.csr_accessible(number, do_write))
        return c.illegal(pc);
    u64 old = 0;
    if (do_read && !c.csr_read(number, old))
        return c.illegal(pc);
    if (do_write) {
        // Read-modify-write of mip uses the software-written SEIP bit, not the
        // value ORed with the external line (privileged spec, mip.SEIP).
        u64 base = old;
        if (number == csr::Mip)
            base = (old & ~irq::bit(irq::SEI)) | (c.st.mip & irq::bit(irq::SEI));
        u64 value = operand;
        if (op == CsrOp::Set)
            value = base | operand;
        else if (op == CsrOp::Clear)
            value = base & ~operand;
        if (!c.csr_write(number, value))
            return c.illegal(pc);
        c.end_slice(); // the write may enable an interrupt or change translation
    }
    c.st.x[d.rd] = old;
    return next_pc(d, pc);
}

} // namespace

KITE_RV_HANDLER(Csrrw) {
    return csr_op(c, d, pc, CsrOp::Write, c.st.x[d.rs1], d.rs1 == 0);
}
KITE_RV_HANDLER(Csrrs) {
    return csr_op(c, d, pc, CsrOp::Set, c.st.x[d.rs1], d.rs1 == 0);
}
KITE_RV_HANDLER(Csrrc) {
    return csr_op(c, d, pc, CsrOp::Clear, c.st.x[d.rs1], d.rs1 == 0);
}
KITE_RV_HANDLER(Csrrwi) {
    return csr_op(c, d, pc, CsrOp::Write, d.rs1, d.rs1 == 0);
}
KITE_RV_HANDLER(Csrrsi) {
    return csr_op(c, d, pc, CsrOp::Set, d.rs1, d.rs1 == 0);
}
KITE_RV_HANDLER(Csrrci) {
    return csr_op(c, d, pc, CsrOp::Clear, d.rs1, d.rs1 == 0);
}

} // namespace kite::riscv
