// Decoder for the 32-bit RV64GC (+Zba/Zbb/Zbs) encodings. Field positions and
// opcode maps follow the RISC-V unprivileged spec, chapter "RV32/64G
// Instruction Set Listings".
#include "cpu/riscv/decode.h"

namespace kite::riscv {

namespace {

using insn_field::bits;
using insn_field::sign_extend;

constexpr i32 imm_i(u32 r) {
    return static_cast<i32>(r) >> 20;
}
constexpr i32 imm_s(u32 r) {
    return sign_extend((bits(r, 31, 25) << 5) | bits(r, 11, 7), 12);
}
constexpr i32 imm_b(u32 r) {
    return sign_extend(
        (bits(r, 31, 31) << 12) | (bits(r, 7, 7) << 11) | (bits(r, 30, 25) << 5) | (bits(r, 11, 8) << 1), 13);
}
constexpr i32 imm_u(u32 r) {
    return static_cast<i32>(r & 0xfffff000u);
}
constexpr i32 imm_j(u32 r) {
    return sign_extend((bits(r, 31, 31) << 20) | (bits(r, 19, 12) << 12) | (bits(r, 20, 20) << 11) |
                           (bits(r, 30, 21) << 1),
                       21);
}

struct Fields {
    u32 raw;
    u8 rd, rs1, rs2, rs3, funct3;
    u8 funct7;
};

Fields fields(u32 r) {
    return Fields{r,
                  static_cast<u8>(bits(r, 11, 7)),
                  static_cast<u8>(bits(r, 19, 15)),
                  static_cast<u8>(bits(r, 24, 20)),
                  static_cast<u8>(bits(r, 31, 27)),
                  static_cast<u8>(bits(r, 14, 12)),
                  static_cast<u8>(bits(r, 31, 25))};
}

DecodedInsn make(Op op, const Fields& f, i32 imm = 0) {
    return {.op = op,
            .rd = f.rd,
            .rs1 = f.rs1,
            .rs2 = f.rs2,
            .rs3 = f.rs3,
            .rm = f.funct3,
            .length = 4,
            .imm = imm};
}

DecodedInsn illegal() {
    return {.op = Op::Illegal};
}

DecodedInsn decode_load(const Fields& f) {
    static constexpr Op kOps[8] = {Op::Lb, Op::Lh, Op::Lw, Op::Ld, Op::Lbu, Op::Lhu, Op::Lwu, Op::Illegal};
    const Op op = kOps[f.funct3];
    return op == Op::Illegal ? illegal() : make(op, f, imm_i(f.raw));
}

DecodedInsn decode_store(const Fields& f) {
    static constexpr Op kOps[8] = {Op::Sb, Op::Sh, Op::Sw, Op::Sd};
    if (f.funct3 > 3)
        return illegal();
    return make(kOps[f.funct3], f, imm_s(f.raw));
}

DecodedInsn decode_branch(const Fields& f) {
    static constexpr Op kOps[8] = {Op::Beq, Op::Bne, Op::Illegal, Op::Illegal,
                                   Op::Blt, Op::Bge, Op::Bltu,    Op::Bgeu};
    const Op op = kOps[f.funct3];
    return op == Op::Illegal ? illegal() : make(op, f, imm_b(f.raw));
}

// OP-IMM: base ALU immediates plus the Zbb/Zbs encodings that reuse the shift slots.
DecodedInsn decode_op_imm(const Fields& f) {
    const u32 imm12 = bits(f.raw, 31, 20);
    const u32 funct6 = bits(f.raw, 31, 26);
    const i32 shamt = static_cast<i32>(bits(f.raw, 25, 20));
    switch (f.funct3) {
    case 0:
        return make(Op::Addi, f, imm_i(f.raw));
    case 2:
        return make(Op::Slti, f, imm_i(f.raw));
    case 3:
        return make(Op::Sltiu, f, imm_i(f.raw));
    case 4:
        return make(Op::Xori, f, imm_i(f.raw));
    case 6:
        return make(Op::Ori, f, imm_i(f.raw));
    case 7:
        return make(Op::Andi, f, imm_i(f.raw));
    case 1:
        switch (funct6) {
        case 0x00:
            return make(Op::Slli, f, shamt);
        case 0x0a:
            return make(Op::Bseti, f, shamt);
        case 0x12:
            return make(Op::Bclri, f, shamt);
        case 0x1a:
            return make(Op::Binvi, f, shamt);
        case 0x18:
            switch (imm12) {
            case 0x600:
                return make(Op::Clz, f);
            case 0x601:
                return make(Op::Ctz, f);
            case 0x602:
                return make(Op::Cpop, f);
            case 0x604:
                return make(Op::SextB, f);
            case 0x605:
                return make(Op::SextH, f);
            default:
                return illegal();
            }
        default:
            return illegal();
        }
    case 5:
        if (imm12 == 0x287)
            return make(Op::OrcB, f);
        if (imm12 == 0x6b8)
            return make(Op::Rev8, f);
        switch (funct6) {
        case 0x00:
            return make(Op::Srli, f, shamt);
        case 0x10:
            return make(Op::Srai, f, shamt);
        case 0x12:
            return make(Op::Bexti, f, shamt);
        case 0x18:
            return make(Op::Rori, f, shamt);
        default:
            return illegal();
        }
    default:
        return illegal();
    }
}

DecodedInsn decode_op_imm_32(const Fields& f) {
    const u32 imm12 = bits(f.raw, 31, 20);
    const i32 shamt5 = static_cast<i32>(bits(f.raw, 24, 20));
    switch (f.funct3) {
    case 0:
        return make(Op::Addiw, f, imm_i(f.raw));
    case 1:
        if (f.funct7 == 0x00)
            return make(Op::Slliw, f, shamt5);
        if (bits(f.raw, 31, 26) == 0x02)
            return make(Op::SlliUw, f, static_cast<i32>(bits(f.raw, 25, 20)));
        switch (imm12) {
        case 0x600:
            return make(Op::Clzw, f);
        case 0x601:
            return make(Op::Ctzw, f);
        case 0x602:
            return make(Op::Cpopw, f);
        default:
            return illegal();
        }
    case 5:
        switch (f.funct7) {
        case 0x00:
            return make(Op::Srliw, f, shamt5);
        case 0x20:
            return make(Op::Sraiw, f, shamt5);
        case 0x30:
            return make(Op::Roriw, f, shamt5);
        default:
            return illegal();
        }
    default:
        return illegal();
    }
}

DecodedInsn decode_op(const Fields& f) {
    auto pick = [&](Op op) { return op == Op::Illegal ? illegal() : make(op, f); };
    switch (f.funct7) {
    case 0x00: {
        static constexpr Op k[8] = {Op::Add, Op::Sll, Op::Slt, Op::Sltu, Op::Xor, Op::Srl, Op::Or, Op::And};
        return pick(k[f.funct3]);
    }
    case 0x20: {
        static constexpr Op k[8] = {Op::Sub,  Op::Illegal, Op::Illegal, Op::Illegal,
                                    Op::Xnor, Op::Sra,     Op::Orn,     Op::Andn};
        return pick(k[f.funct3]);
    }
    case 0x01: {
        static constexpr Op k[8] = {Op::Mul, Op::Mulh, Op::Mulhsu, Op::Mulhu,
                                    Op::Div, Op::Divu, Op::Rem,    Op::Remu};
        return pick(k[f.funct3]);
    }
    case 0x05: {
        static constexpr Op k[8] = {Op::Illegal, Op::Illegal, Op::Illegal, Op::Illegal,
                                    Op::Min,     Op::Minu,    Op::Max,     Op::Maxu};
        return pick(k[f.funct3]);
    }
    case 0x10: {
        static constexpr Op k[8] = {Op::Illegal, Op::Illegal, Op::Sh1add, Op::Illegal,
                                    Op::Sh2add,  Op::Illegal, Op::Sh3add, Op::Illegal};
        return pick(k[f.funct3]);
    }
    case 0x30:
        return pick(f.funct3 == 1 ? Op::Rol : f.funct3 == 5 ? Op::Ror : Op::Illegal);
    case 0x24:
        return pick(f.funct3 == 1 ? Op::Bclr : f.funct3 == 5 ? Op::Bext : Op::Illegal);
    case 0x34:
        return pick(f.funct3 == 1 ? Op::Binv : Op::Illegal);
    case 0x14:
        return pick(f.funct3 == 1 ? Op::Bset : Op::Illegal);
    default:
        return illegal();
    }
}

DecodedInsn decode_op_32(const Fields& f) {
    auto pick = [&](Op op) { return op == Op::Illegal ? illegal() : make(op, f); };
    switch (f.funct7) {
    case 0x00: {
        static constexpr Op k[8] = {Op::Addw,    Op::Sllw, Op::Illegal, Op::Illegal,
                                    Op::Illegal, Op::Srlw, Op::Illegal, Op::Illegal};
        return pick(k[f.funct3]);
    }
    case 0x20:
        return pick(f.funct3 == 0 ? Op::Subw : f.funct3 == 5 ? Op::Sraw : Op::Illegal);
    case 0x01: {
        static constexpr Op k[8] = {Op::Mulw, Op::Illegal, Op::Illegal, Op::Illegal,
                                    Op::Divw, Op::Divuw,   Op::Remw,    Op::Remuw};
        return pick(k[f.funct3]);
    }
    case 0x04:
        if (f.funct3 == 0)
            return pick(Op::AddUw);
        return pick(f.funct3 == 4 && f.rs2 == 0 ? Op::ZextH : Op::Illegal);
    case 0x10: {
        static constexpr Op k[8] = {Op::Illegal,  Op::Illegal, Op::Sh1addUw, Op::Illegal,
                                    Op::Sh2addUw, Op::Illegal, Op::Sh3addUw, Op::Illegal};
        return pick(k[f.funct3]);
    }
    case 0x30:
        return pick(f.funct3 == 1 ? Op::Rolw : f.funct3 == 5 ? Op::Rorw : Op::Illegal);
    default:
        return illegal();
    }
}

DecodedInsn decode_amo(const Fields& f) {
    if (f.funct3 != 2 && f.funct3 != 3)
        return illegal();
    const bool dword = f.funct3 == 3;
    Op op = Op::Illegal;
    switch (f.rs3) { // funct5
    case 0x02:
        if (f.rs2 != 0)
            return illegal();
        op = dword ? Op::LrD : Op::LrW;
        break;
    case 0x03:
        op = dword ? Op::ScD : Op::ScW;
        break;
    case 0x01:
        op = dword ? Op::AmoswapD : Op::AmoswapW;
        break;
    case 0x00:
        op = dword ? Op::AmoaddD : Op::AmoaddW;
        break;
    case 0x04:
        op = dword ? Op::AmoxorD : Op::AmoxorW;
        break;
    case 0x0c:
        op = dword ? Op::AmoandD : Op::AmoandW;
        break;
    case 0x08:
        op = dword ? Op::AmoorD : Op::AmoorW;
        break;
    case 0x10:
        op = dword ? Op::AmominD : Op::AmominW;
        break;
    case 0x14:
        op = dword ? Op::AmomaxD : Op::AmomaxW;
        break;
    case 0x18:
        op = dword ? Op::AmominuD : Op::AmominuW;
        break;
    case 0x1c:
        op = dword ? Op::AmomaxuD : Op::AmomaxuW;
        break;
    default:
        return illegal();
    }
    DecodedInsn d = make(op, f);
    d.rm = static_cast<u8>(bits(f.raw, 26, 25)); // aq, rl
    d.rs3 = 0;
    return d;
}

DecodedInsn decode_system(const Fields& f) {
    switch (f.funct3) {
    case 0:
        switch (f.raw) {
        case 0x00000073:
            return make(Op::Ecall, f);
        case 0x00100073:
            return make(Op::Ebreak, f);
        case 0x10200073:
            return make(Op::Sret, f);
        case 0x30200073:
            return make(Op::Mret, f);
        case 0x10500073:
            return make(Op::Wfi, f);
        default:
            if (f.funct7 == 0x09 && f.rd == 0)
                return make(Op::SfenceVma, f);
            return illegal();
        }
    case 1:
        return make(Op::Csrrw, f, static_cast<i32>(bits(f.raw, 31, 20)));
    case 2:
        return make(Op::Csrrs, f, static_cast<i32>(bits(f.raw, 31, 20)));
    case 3:
        return make(Op::Csrrc, f, static_cast<i32>(bits(f.raw, 31, 20)));
    case 5:
        return make(Op::Csrrwi, f, static_cast<i32>(bits(f.raw, 31, 20)));
    case 6:
        return make(Op::Csrrsi, f, static_cast<i32>(bits(f.raw, 31, 20)));
    case 7:
        return make(Op::Csrrci, f, static_cast<i32>(bits(f.raw, 31, 20)));
    default:
        return illegal();
    }
}

DecodedInsn decode_fma(const Fields& f, Op single, Op dbl) {
    const u32 fmt = bits(f.raw, 26, 25);
    if (fmt > 1)
        return illegal();
    return make(fmt == 0 ? single : dbl, f);
}

// OP-FP: funct7 selects the operation, its low two bits the format (S=0, D=1).
DecodedInsn decode_op_fp(const Fields& f) {
    const bool dbl = (f.funct7 & 1) != 0;
    if ((f.funct7 & 2) != 0)
        return illegal(); // H and Q formats are not implemented
    auto sd = [&](Op s, Op d) { return make(dbl ? d : s, f); };
    switch (f.funct7 >> 2) {
    case 0x00:
        return sd(Op::FaddS, Op::FaddD);
    case 0x01:
        return sd(Op::FsubS, Op::FsubD);
    case 0x02:
        return sd(Op::FmulS, Op::FmulD);
    case 0x03:
        return sd(Op::FdivS, Op::FdivD);
    case 0x0b:
        if (f.rs2 != 0)
            return illegal();
        return sd(Op::FsqrtS, Op::FsqrtD);
    case 0x04:
        switch (f.funct3) {
        case 0:
            return sd(Op::FsgnjS, Op::FsgnjD);
        case 1:
            return sd(Op::FsgnjnS, Op::FsgnjnD);
        case 2:
            return sd(Op::FsgnjxS, Op::FsgnjxD);
        default:
            return illegal();
        }
    case 0x05:
        switch (f.funct3) {
        case 0:
            return sd(Op::FminS, Op::FminD);
        case 1:
            return sd(Op::FmaxS, Op::FmaxD);
        default:
            return illegal();
        }
    case 0x08: // fcvt.s.d (fmt S, rs2 = D) and fcvt.d.s (fmt D, rs2 = S)
        if (!dbl && f.rs2 == 1)
            return make(Op::FcvtSD, f);
        if (dbl && f.rs2 == 0)
            return make(Op::FcvtDS, f);
        return illegal();
    case 0x14:
        switch (f.funct3) {
        case 0:
            return sd(Op::FleS, Op::FleD);
        case 1:
            return sd(Op::FltS, Op::FltD);
        case 2:
            return sd(Op::FeqS, Op::FeqD);
        default:
            return illegal();
        }
    case 0x18: {
        static constexpr Op kS[4] = {Op::FcvtWS, Op::FcvtWuS, Op::FcvtLS, Op::FcvtLuS};
        static constexpr Op kD[4] = {Op::FcvtWD, Op::FcvtWuD, Op::FcvtLD, Op::FcvtLuD};
        if (f.rs2 > 3)
            return illegal();
        return sd(kS[f.rs2], kD[f.rs2]);
    }
    case 0x1a: {
        static constexpr Op kS[4] = {Op::FcvtSW, Op::FcvtSWu, Op::FcvtSL, Op::FcvtSLu};
        static constexpr Op kD[4] = {Op::FcvtDW, Op::FcvtDWu, Op::FcvtDL, Op::FcvtDLu};
        if (f.rs2 > 3)
            return illegal();
        return sd(kS[f.rs2], kD[f.rs2]);
    }
    case 0x1c:
        if (f.rs2 != 0)
            return illegal();
        if (f.funct3 == 0)
            return sd(Op::FmvXW, Op::FmvXD);
        if (f.funct3 == 1)
            return sd(Op::FclassS, Op::FclassD);
        return illegal();
    case 0x1e:
        if (f.rs2 != 0 || f.funct3 != 0)
            return illegal();
        return sd(Op::FmvWX, Op::FmvDX);
    default:
        return illegal();
    }
}

} // namespace

DecodedInsn decode_32(u32 raw) {
    const Fields f = fields(raw);
    switch (bits(raw, 6, 0)) {
    case 0x03:
        return decode_load(f);
    case 0x07:
        if (f.funct3 == 2)
            return make(Op::Flw, f, imm_i(raw));
        if (f.funct3 == 3)
            return make(Op::Fld, f, imm_i(raw));
        return illegal();
    case 0x0f:
        // Unknown fence variants (fm, pred/succ combinations) execute as a full
        // fence, as the spec asks for forward compatibility.
        if (f.funct3 == 0)
            return make(Op::Fence, f, static_cast<i32>(bits(raw, 31, 20)));
        if (f.funct3 == 1)
            return make(Op::FenceI, f);
        return illegal();
    case 0x13:
        return decode_op_imm(f);
    case 0x17:
        return make(Op::Auipc, f, imm_u(raw));
    case 0x1b:
        return decode_op_imm_32(f);
    case 0x23:
        return decode_store(f);
    case 0x27:
        if (f.funct3 == 2)
            return make(Op::Fsw, f, imm_s(raw));
        if (f.funct3 == 3)
            return make(Op::Fsd, f, imm_s(raw));
        return illegal();
    case 0x2f:
        return decode_amo(f);
    case 0x33:
        return decode_op(f);
    case 0x37:
        return make(Op::Lui, f, imm_u(raw));
    case 0x3b:
        return decode_op_32(f);
    case 0x43:
        return decode_fma(f, Op::FmaddS, Op::FmaddD);
    case 0x47:
        return decode_fma(f, Op::FmsubS, Op::FmsubD);
    case 0x4b:
        return decode_fma(f, Op::FnmsubS, Op::FnmsubD);
    case 0x4f:
        return decode_fma(f, Op::FnmaddS, Op::FnmaddD);
    case 0x53:
        return decode_op_fp(f);
    case 0x63:
        return decode_branch(f);
    case 0x67:
        if (f.funct3 != 0)
            return illegal();
        return make(Op::Jalr, f, imm_i(raw));
    case 0x6f:
        return make(Op::Jal, f, imm_j(raw));
    case 0x73:
        return decode_system(f);
    default:
        return illegal();
    }
}

DecodedInsn decode(u32 raw) {
    if (is_compressed(raw))
        return decode_16(static_cast<u16>(raw));
    return decode_32(raw);
}

} // namespace kite::riscv
