#pragma once

// A tiny RISC-V encoder for hand-written unit-test programs: each function
// returns one 32-bit (or 16-bit) instruction word.

#include "base/types.h"

namespace kite::riscv::test::enc {

constexpr u32 r(u32 opcode, u32 f3, u32 f7, u32 rd, u32 rs1, u32 rs2) {
    return (f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opcode;
}
constexpr u32 i(u32 opcode, u32 f3, u32 rd, u32 rs1, i32 imm) {
    return (static_cast<u32>(imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opcode;
}
constexpr u32 s(u32 opcode, u32 f3, u32 rs1, u32 rs2, i32 imm) {
    const u32 v = static_cast<u32>(imm);
    return (((v >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((v & 0x1f) << 7) | opcode;
}
constexpr u32 b(u32 f3, u32 rs1, u32 rs2, i32 imm) {
    const u32 v = static_cast<u32>(imm);
    return (((v >> 12) & 1) << 31) | (((v >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) |
           (((v >> 1) & 0xf) << 8) | (((v >> 11) & 1) << 7) | 0x63;
}
constexpr u32 u(u32 opcode, u32 rd, u32 imm20) {
    return (imm20 << 12) | (rd << 7) | opcode;
}
constexpr u32 j(u32 rd, i32 imm) {
    const u32 v = static_cast<u32>(imm);
    return (((v >> 20) & 1) << 31) | (((v >> 1) & 0x3ff) << 21) | (((v >> 11) & 1) << 20) |
           (((v >> 12) & 0xff) << 12) | (rd << 7) | 0x6f;
}

// RV64I
constexpr u32 lui(u32 rd, u32 imm20) {
    return u(0x37, rd, imm20);
}
constexpr u32 auipc(u32 rd, u32 imm20) {
    return u(0x17, rd, imm20);
}
constexpr u32 jal(u32 rd, i32 off) {
    return j(rd, off);
}
constexpr u32 jalr(u32 rd, u32 rs1, i32 off) {
    return i(0x67, 0, rd, rs1, off);
}
constexpr u32 beq(u32 a, u32 b_, i32 off) {
    return b(0, a, b_, off);
}
constexpr u32 bne(u32 a, u32 b_, i32 off) {
    return b(1, a, b_, off);
}
constexpr u32 blt(u32 a, u32 b_, i32 off) {
    return b(4, a, b_, off);
}
constexpr u32 bge(u32 a, u32 b_, i32 off) {
    return b(5, a, b_, off);
}
constexpr u32 bltu(u32 a, u32 b_, i32 off) {
    return b(6, a, b_, off);
}
constexpr u32 bgeu(u32 a, u32 b_, i32 off) {
    return b(7, a, b_, off);
}
constexpr u32 lb(u32 rd, u32 rs1, i32 off) {
    return i(0x03, 0, rd, rs1, off);
}
constexpr u32 lh(u32 rd, u32 rs1, i32 off) {
    return i(0x03, 1, rd, rs1, off);
}
constexpr u32 lw(u32 rd, u32 rs1, i32 off) {
    return i(0x03, 2, rd, rs1, off);
}
constexpr u32 ld(u32 rd, u32 rs1, i32 off) {
    return i(0x03, 3, rd, rs1, off);
}
constexpr u32 lbu(u32 rd, u32 rs1, i32 off) {
    return i(0x03, 4, rd, rs1, off);
}
constexpr u32 lhu(u32 rd, u32 rs1, i32 off) {
    return i(0x03, 5, rd, rs1, off);
}
constexpr u32 lwu(u32 rd, u32 rs1, i32 off) {
    return i(0x03, 6, rd, rs1, off);
}
constexpr u32 sb(u32 rs2, u32 rs1, i32 off) {
    return s(0x23, 0, rs1, rs2, off);
}
constexpr u32 sh(u32 rs2, u32 rs1, i32 off) {
    return s(0x23, 1, rs1, rs2, off);
}
constexpr u32 sw(u32 rs2, u32 rs1, i32 off) {
    return s(0x23, 2, rs1, rs2, off);
}
constexpr u32 sd(u32 rs2, u32 rs1, i32 off) {
    return s(0x23, 3, rs1, rs2, off);
}
constexpr u32 addi(u32 rd, u32 rs1, i32 imm) {
    return i(0x13, 0, rd, rs1, imm);
}
constexpr u32 slti(u32 rd, u32 rs1, i32 imm) {
    return i(0x13, 2, rd, rs1, imm);
}
constexpr u32 sltiu(u32 rd, u32 rs1, i32 imm) {
    return i(0x13, 3, rd, rs1, imm);
}
constexpr u32 xori(u32 rd, u32 rs1, i32 imm) {
    return i(0x13, 4, rd, rs1, imm);
}
constexpr u32 ori(u32 rd, u32 rs1, i32 imm) {
    return i(0x13, 6, rd, rs1, imm);
}
constexpr u32 andi(u32 rd, u32 rs1, i32 imm) {
    return i(0x13, 7, rd, rs1, imm);
}
constexpr u32 slli(u32 rd, u32 rs1, u32 sh) {
    return i(0x13, 1, rd, rs1, static_cast<i32>(sh));
}
constexpr u32 srli(u32 rd, u32 rs1, u32 sh) {
    return i(0x13, 5, rd, rs1, static_cast<i32>(sh));
}
constexpr u32 srai(u32 rd, u32 rs1, u32 sh) {
    return i(0x13, 5, rd, rs1, static_cast<i32>(0x400 | sh));
}
constexpr u32 addiw(u32 rd, u32 rs1, i32 imm) {
    return i(0x1b, 0, rd, rs1, imm);
}
constexpr u32 slliw(u32 rd, u32 rs1, u32 sh) {
    return i(0x1b, 1, rd, rs1, static_cast<i32>(sh));
}
constexpr u32 srliw(u32 rd, u32 rs1, u32 sh) {
    return i(0x1b, 5, rd, rs1, static_cast<i32>(sh));
}
constexpr u32 sraiw(u32 rd, u32 rs1, u32 sh) {
    return i(0x1b, 5, rd, rs1, static_cast<i32>(0x400 | sh));
}
constexpr u32 add(u32 rd, u32 a, u32 b_) {
    return r(0x33, 0, 0, rd, a, b_);
}
constexpr u32 sub(u32 rd, u32 a, u32 b_) {
    return r(0x33, 0, 0x20, rd, a, b_);
}
constexpr u32 sll(u32 rd, u32 a, u32 b_) {
    return r(0x33, 1, 0, rd, a, b_);
}
constexpr u32 slt(u32 rd, u32 a, u32 b_) {
    return r(0x33, 2, 0, rd, a, b_);
}
constexpr u32 sltu(u32 rd, u32 a, u32 b_) {
    return r(0x33, 3, 0, rd, a, b_);
}
constexpr u32 xor_(u32 rd, u32 a, u32 b_) {
    return r(0x33, 4, 0, rd, a, b_);
}
constexpr u32 srl(u32 rd, u32 a, u32 b_) {
    return r(0x33, 5, 0, rd, a, b_);
}
constexpr u32 sra(u32 rd, u32 a, u32 b_) {
    return r(0x33, 5, 0x20, rd, a, b_);
}
constexpr u32 or_(u32 rd, u32 a, u32 b_) {
    return r(0x33, 6, 0, rd, a, b_);
}
constexpr u32 and_(u32 rd, u32 a, u32 b_) {
    return r(0x33, 7, 0, rd, a, b_);
}
constexpr u32 addw(u32 rd, u32 a, u32 b_) {
    return r(0x3b, 0, 0, rd, a, b_);
}
constexpr u32 subw(u32 rd, u32 a, u32 b_) {
    return r(0x3b, 0, 0x20, rd, a, b_);
}
constexpr u32 sllw(u32 rd, u32 a, u32 b_) {
    return r(0x3b, 1, 0, rd, a, b_);
}
constexpr u32 srlw(u32 rd, u32 a, u32 b_) {
    return r(0x3b, 5, 0, rd, a, b_);
}
constexpr u32 sraw(u32 rd, u32 a, u32 b_) {
    return r(0x3b, 5, 0x20, rd, a, b_);
}
constexpr u32 fence() {
    return 0x0ff0000f;
}
constexpr u32 fence_i() {
    return 0x0000100f;
}
constexpr u32 ecall() {
    return 0x00000073;
}
constexpr u32 ebreak() {
    return 0x00100073;
}
constexpr u32 sret() {
    return 0x10200073;
}
constexpr u32 mret() {
    return 0x30200073;
}
constexpr u32 wfi() {
    return 0x10500073;
}
constexpr u32 sfence_vma(u32 rs1 = 0, u32 rs2 = 0) {
    return r(0x73, 0, 0x09, 0, rs1, rs2);
}
constexpr u32 nop() {
    return addi(0, 0, 0);
}

// M
constexpr u32 m_op(u32 f3, u32 rd, u32 a, u32 b_, bool word = false) {
    return r(word ? 0x3b : 0x33, f3, 1, rd, a, b_);
}
constexpr u32 mul(u32 rd, u32 a, u32 b_) {
    return m_op(0, rd, a, b_);
}
constexpr u32 mulh(u32 rd, u32 a, u32 b_) {
    return m_op(1, rd, a, b_);
}
constexpr u32 mulhsu(u32 rd, u32 a, u32 b_) {
    return m_op(2, rd, a, b_);
}
constexpr u32 mulhu(u32 rd, u32 a, u32 b_) {
    return m_op(3, rd, a, b_);
}
constexpr u32 div(u32 rd, u32 a, u32 b_) {
    return m_op(4, rd, a, b_);
}
constexpr u32 divu(u32 rd, u32 a, u32 b_) {
    return m_op(5, rd, a, b_);
}
constexpr u32 rem(u32 rd, u32 a, u32 b_) {
    return m_op(6, rd, a, b_);
}
constexpr u32 remu(u32 rd, u32 a, u32 b_) {
    return m_op(7, rd, a, b_);
}
constexpr u32 mulw(u32 rd, u32 a, u32 b_) {
    return m_op(0, rd, a, b_, true);
}
constexpr u32 divw(u32 rd, u32 a, u32 b_) {
    return m_op(4, rd, a, b_, true);
}
constexpr u32 divuw(u32 rd, u32 a, u32 b_) {
    return m_op(5, rd, a, b_, true);
}
constexpr u32 remw(u32 rd, u32 a, u32 b_) {
    return m_op(6, rd, a, b_, true);
}
constexpr u32 remuw(u32 rd, u32 a, u32 b_) {
    return m_op(7, rd, a, b_, true);
}

// A (funct5 values from the spec), aq/rl clear.
constexpr u32 amo(u32 funct5, bool dword, u32 rd, u32 rs1, u32 rs2) {
    return r(0x2f, dword ? 3 : 2, funct5 << 2, rd, rs1, rs2);
}
constexpr u32 lr_w(u32 rd, u32 rs1) {
    return amo(0x02, false, rd, rs1, 0);
}
constexpr u32 lr_d(u32 rd, u32 rs1) {
    return amo(0x02, true, rd, rs1, 0);
}
constexpr u32 sc_w(u32 rd, u32 rs1, u32 rs2) {
    return amo(0x03, false, rd, rs1, rs2);
}
constexpr u32 sc_d(u32 rd, u32 rs1, u32 rs2) {
    return amo(0x03, true, rd, rs1, rs2);
}
namespace amo5 {
constexpr u32 Swap = 0x01, Add = 0x00, Xor = 0x04, And = 0x0c, Or = 0x08, Min = 0x10, Max = 0x14, Minu = 0x18,
              Maxu = 0x1c;
}

// Zicsr
constexpr u32 csrrw(u32 rd, u32 csr, u32 rs1) {
    return (csr << 20) | (rs1 << 15) | (1 << 12) | (rd << 7) | 0x73;
}
constexpr u32 csrrs(u32 rd, u32 csr, u32 rs1) {
    return (csr << 20) | (rs1 << 15) | (2 << 12) | (rd << 7) | 0x73;
}
constexpr u32 csrrc(u32 rd, u32 csr, u32 rs1) {
    return (csr << 20) | (rs1 << 15) | (3 << 12) | (rd << 7) | 0x73;
}
constexpr u32 csrrwi(u32 rd, u32 csr, u32 imm) {
    return (csr << 20) | (imm << 15) | (5 << 12) | (rd << 7) | 0x73;
}
constexpr u32 csrrsi(u32 rd, u32 csr, u32 imm) {
    return (csr << 20) | (imm << 15) | (6 << 12) | (rd << 7) | 0x73;
}
constexpr u32 csrrci(u32 rd, u32 csr, u32 imm) {
    return (csr << 20) | (imm << 15) | (7 << 12) | (rd << 7) | 0x73;
}

// F/D (rm = 7: dynamic)
constexpr u32 flw(u32 fd, u32 rs1, i32 off) {
    return i(0x07, 2, fd, rs1, off);
}
constexpr u32 fld(u32 fd, u32 rs1, i32 off) {
    return i(0x07, 3, fd, rs1, off);
}
constexpr u32 fsw(u32 fs2, u32 rs1, i32 off) {
    return s(0x27, 2, rs1, fs2, off);
}
constexpr u32 fsd(u32 fs2, u32 rs1, i32 off) {
    return s(0x27, 3, rs1, fs2, off);
}
constexpr u32 fp(u32 funct7, u32 rm, u32 rd, u32 rs1, u32 rs2) {
    return r(0x53, rm, funct7, rd, rs1, rs2);
}
constexpr u32 fadd_s(u32 rd, u32 a, u32 b_, u32 rm = 7) {
    return fp(0x00, rm, rd, a, b_);
}
constexpr u32 fadd_d(u32 rd, u32 a, u32 b_, u32 rm = 7) {
    return fp(0x01, rm, rd, a, b_);
}
constexpr u32 fdiv_s(u32 rd, u32 a, u32 b_, u32 rm = 7) {
    return fp(0x0c, rm, rd, a, b_);
}
constexpr u32 fsgnj_s(u32 rd, u32 a, u32 b_) {
    return fp(0x10, 0, rd, a, b_);
}
constexpr u32 fmv_x_w(u32 rd, u32 fs) {
    return fp(0x70, 0, rd, fs, 0);
}
constexpr u32 fmv_w_x(u32 fd, u32 rs) {
    return fp(0x78, 0, fd, rs, 0);
}
constexpr u32 fmv_x_d(u32 rd, u32 fs) {
    return fp(0x71, 0, rd, fs, 0);
}
constexpr u32 fmv_d_x(u32 fd, u32 rs) {
    return fp(0x79, 0, fd, rs, 0);
}
constexpr u32 fcvt_w_s(u32 rd, u32 fs, u32 rm = 7) {
    return fp(0x60, rm, rd, fs, 0);
}
constexpr u32 fcvt_s_w(u32 fd, u32 rs, u32 rm = 7) {
    return fp(0x68, rm, fd, rs, 0);
}
constexpr u32 fclass_s(u32 rd, u32 fs) {
    return fp(0x70, 1, rd, fs, 0);
}
constexpr u32 feq_s(u32 rd, u32 a, u32 b_) {
    return fp(0x50, 2, rd, a, b_);
}

} // namespace kite::riscv::test::enc
