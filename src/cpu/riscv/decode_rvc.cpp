// RV64C: each compressed instruction expands to the base operation it stands
// for (unprivileged spec, "C" Standard Extension, RVC instruction listings).
// Reserved encodings decode to Illegal; HINTs decode to their (harmless) base
// form, e.g. c.li x0, 5 becomes addi x0, x0, 5.
#include "cpu/riscv/decode.h"

namespace kite::riscv {

namespace {

using insn_field::bits;
using insn_field::sign_extend;

constexpr u32 bit(u32 v, int n) {
    return (v >> n) & 1;
}

// The 3-bit register fields of CIW/CL/CS/CA/CB name x8..x15 (or f8..f15).
constexpr u8 creg(u32 v) {
    return static_cast<u8>(8 + v);
}

DecodedInsn insn(Op op, u32 rd, u32 rs1, u32 rs2, i32 imm) {
    return {.op = op,
            .rd = static_cast<u8>(rd),
            .rs1 = static_cast<u8>(rs1),
            .rs2 = static_cast<u8>(rs2),
            .rm = 0,
            .length = 2,
            .imm = imm};
}

DecodedInsn illegal() {
    return {.op = Op::Illegal, .length = 2};
}

// Immediates, named after the instructions that use them.
constexpr i32 imm_ci(u32 r) {
    return sign_extend((bit(r, 12) << 5) | bits(r, 6, 2), 6);
}
constexpr u32 uimm_shift(u32 r) {
    return (bit(r, 12) << 5) | bits(r, 6, 2);
}
constexpr u32 uimm_addi4spn(u32 r) {
    return (bits(r, 12, 11) << 4) | (bits(r, 10, 7) << 6) | (bit(r, 6) << 2) | (bit(r, 5) << 3);
}
constexpr u32 uimm_w(u32 r) {
    return (bits(r, 12, 10) << 3) | (bit(r, 6) << 2) | (bit(r, 5) << 6);
}
constexpr u32 uimm_d(u32 r) {
    return (bits(r, 12, 10) << 3) | (bits(r, 6, 5) << 6);
}
constexpr i32 imm_addi16sp(u32 r) {
    return sign_extend((bit(r, 12) << 9) | (bit(r, 6) << 4) | (bit(r, 5) << 6) | (bits(r, 4, 3) << 7) |
                           (bit(r, 2) << 5),
                       10);
}
constexpr i32 imm_lui(u32 r) {
    return sign_extend((bit(r, 12) << 17) | (bits(r, 6, 2) << 12), 18);
}
constexpr i32 imm_j(u32 r) {
    return sign_extend((bit(r, 12) << 11) | (bit(r, 11) << 4) | (bits(r, 10, 9) << 8) | (bit(r, 8) << 10) |
                           (bit(r, 7) << 6) | (bit(r, 6) << 7) | (bits(r, 5, 3) << 1) | (bit(r, 2) << 5),
                       12);
}
constexpr i32 imm_b(u32 r) {
    return sign_extend((bit(r, 12) << 8) | (bits(r, 11, 10) << 3) | (bits(r, 6, 5) << 6) |
                           (bits(r, 4, 3) << 1) | (bit(r, 2) << 5),
                       9);
}
constexpr u32 uimm_lwsp(u32 r) {
    return (bit(r, 12) << 5) | (bits(r, 6, 4) << 2) | (bits(r, 3, 2) << 6);
}
constexpr u32 uimm_ldsp(u32 r) {
    return (bit(r, 12) << 5) | (bits(r, 6, 5) << 3) | (bits(r, 4, 2) << 6);
}
constexpr u32 uimm_swsp(u32 r) {
    return (bits(r, 12, 9) << 2) | (bits(r, 8, 7) << 6);
}
constexpr u32 uimm_sdsp(u32 r) {
    return (bits(r, 12, 10) << 3) | (bits(r, 9, 7) << 6);
}

constexpr i32 s(u32 v) {
    return static_cast<i32>(v);
}

DecodedInsn quadrant0(u32 r) {
    const u32 rd = creg(bits(r, 4, 2));
    const u32 rs1 = creg(bits(r, 9, 7));
    switch (bits(r, 15, 13)) {
    case 0: { // c.addi4spn (all-zero instruction and nzuimm=0 are reserved)
        const u32 imm = uimm_addi4spn(r);
        if (imm == 0)
            return illegal();
        return insn(Op::Addi, rd, 2, 0, s(imm));
    }
    case 1:
        return insn(Op::Fld, rd, rs1, 0, s(uimm_d(r)));
    case 2:
        return insn(Op::Lw, rd, rs1, 0, s(uimm_w(r)));
    case 3:
        return insn(Op::Ld, rd, rs1, 0, s(uimm_d(r)));
    case 4:
        return illegal(); // reserved
    case 5:
        return insn(Op::Fsd, 0, rs1, rd, s(uimm_d(r)));
    case 6:
        return insn(Op::Sw, 0, rs1, rd, s(uimm_w(r)));
    case 7:
        return insn(Op::Sd, 0, rs1, rd, s(uimm_d(r)));
    default:
        return illegal();
    }
}

DecodedInsn quadrant1_misc_alu(u32 r) {
    const u32 rd = creg(bits(r, 9, 7));
    const u32 rs2 = creg(bits(r, 4, 2));
    switch (bits(r, 11, 10)) {
    case 0:
        return insn(Op::Srli, rd, rd, 0, s(uimm_shift(r)));
    case 1:
        return insn(Op::Srai, rd, rd, 0, s(uimm_shift(r)));
    case 2:
        return insn(Op::Andi, rd, rd, 0, imm_ci(r));
    case 3: {
        static constexpr Op kOps[8] = {Op::Sub,  Op::Xor,  Op::Or,      Op::And,
                                       Op::Subw, Op::Addw, Op::Illegal, Op::Illegal};
        const Op op = kOps[(bit(r, 12) << 2) | bits(r, 6, 5)];
        if (op == Op::Illegal)
            return illegal();
        return insn(op, rd, rd, rs2, 0);
    }
    default:
        return illegal();
    }
}

DecodedInsn quadrant1(u32 r) {
    const u32 rd = bits(r, 11, 7);
    switch (bits(r, 15, 13)) {
    case 0:
        return insn(Op::Addi, rd, rd, 0, imm_ci(r)); // c.nop, c.addi
    case 1:
        if (rd == 0)
            return illegal(); // reserved
        return insn(Op::Addiw, rd, rd, 0, imm_ci(r));
    case 2:
        return insn(Op::Addi, rd, 0, 0, imm_ci(r)); // c.li
    case 3:
        if (rd == 2) {
            const i32 imm = imm_addi16sp(r);
            if (imm == 0)
                return illegal();
            return insn(Op::Addi, 2, 2, 0, imm);
        } else {
            const i32 imm = imm_lui(r);
            if (imm == 0)
                return illegal();
            return insn(Op::Lui, rd, 0, 0, imm);
        }
    case 4:
        return quadrant1_misc_alu(r);
    case 5:
        return insn(Op::Jal, 0, 0, 0, imm_j(r));
    case 6:
        return insn(Op::Beq, 0, creg(bits(r, 9, 7)), 0, imm_b(r));
    case 7:
        return insn(Op::Bne, 0, creg(bits(r, 9, 7)), 0, imm_b(r));
    default:
        return illegal();
    }
}

DecodedInsn quadrant2(u32 r) {
    const u32 rd = bits(r, 11, 7);
    const u32 rs2 = bits(r, 6, 2);
    switch (bits(r, 15, 13)) {
    case 0:
        return insn(Op::Slli, rd, rd, 0, s(uimm_shift(r)));
    case 1:
        return insn(Op::Fld, rd, 2, 0, s(uimm_ldsp(r)));
    case 2:
        if (rd == 0)
            return illegal();
        return insn(Op::Lw, rd, 2, 0, s(uimm_lwsp(r)));
    case 3:
        if (rd == 0)
            return illegal();
        return insn(Op::Ld, rd, 2, 0, s(uimm_ldsp(r)));
    case 4:
        if (bit(r, 12) == 0) {
            if (rs2 == 0) { // c.jr
                if (rd == 0)
                    return illegal();
                return insn(Op::Jalr, 0, rd, 0, 0);
            }
            return insn(Op::Add, rd, 0, rs2, 0); // c.mv
        }
        if (rs2 == 0) {
            if (rd == 0)
                return insn(Op::Ebreak, 0, 0, 0, 0);
            return insn(Op::Jalr, 1, rd, 0, 0); // c.jalr
        }
        return insn(Op::Add, rd, rd, rs2, 0); // c.add
    case 5:
        return insn(Op::Fsd, 0, 2, rs2, s(uimm_sdsp(r)));
    case 6:
        return insn(Op::Sw, 0, 2, rs2, s(uimm_swsp(r)));
    case 7:
        return insn(Op::Sd, 0, 2, rs2, s(uimm_sdsp(r)));
    default:
        return illegal();
    }
}

} // namespace

DecodedInsn decode_16(u16 raw) {
    const u32 r = raw;
    switch (r & 3) {
    case 0:
        return quadrant0(r);
    case 1:
        return quadrant1(r);
    case 2:
        return quadrant2(r);
    default:
        return illegal(); // a 32-bit instruction's low half
    }
}

} // namespace kite::riscv
