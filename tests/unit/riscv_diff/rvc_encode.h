#pragma once

// Encoders for the RV64C instructions the differential test generates (the
// "C" chapter of the unprivileged spec, RVC instruction formats). Register
// arguments of the CIW/CL/CS/CA/CB formats are full register numbers x8..x15
// (f8..f15); immediates are the byte offsets or values the instruction means,
// already checked by the caller for range and alignment.

#include "base/types.h"

namespace kite::riscv::test::cenc {

// Bit `from` of v moved to bit `to`.
constexpr u32 put_bit(u32 v, int from, int to) {
    return ((v >> from) & 1) << to;
}
constexpr u32 bits_at(u32 v, int hi, int lo, int to) {
    return ((v >> lo) & ((1u << (hi - lo + 1)) - 1)) << to;
}
constexpr u32 c3(u32 r) {
    return r - 8;
}
constexpr u32 u(i32 v) {
    return static_cast<u32>(v);
}

// CI: funct3 | imm[5] | rd | imm[4:0] | op
constexpr u32 ci(u32 funct3, u32 op, u32 rd, i32 imm6) {
    return (funct3 << 13) | put_bit(u(imm6), 5, 12) | (rd << 7) | bits_at(u(imm6), 4, 0, 2) | op;
}

// Quadrant 0
constexpr u32 addi4spn(u32 rd, u32 nzuimm) {
    return bits_at(nzuimm, 5, 4, 11) | bits_at(nzuimm, 9, 6, 7) | put_bit(nzuimm, 2, 6) |
           put_bit(nzuimm, 3, 5) | (c3(rd) << 2);
}
// c.lw / c.sw offsets: uimm[5:3] at 12:10, uimm[2] at 6, uimm[6] at 5.
constexpr u32 cl_w(u32 funct3, u32 r1, u32 r2, u32 uimm) {
    return (funct3 << 13) | bits_at(uimm, 5, 3, 10) | (c3(r1) << 7) | put_bit(uimm, 2, 6) |
           put_bit(uimm, 6, 5) | (c3(r2) << 2);
}
// c.ld / c.sd / c.fld / c.fsd offsets: uimm[5:3] at 12:10, uimm[7:6] at 6:5.
constexpr u32 cl_d(u32 funct3, u32 r1, u32 r2, u32 uimm) {
    return (funct3 << 13) | bits_at(uimm, 5, 3, 10) | (c3(r1) << 7) | bits_at(uimm, 7, 6, 5) | (c3(r2) << 2);
}
constexpr u32 fld(u32 fd, u32 rs1, u32 uimm) {
    return cl_d(1, rs1, fd, uimm);
}
constexpr u32 lw(u32 rd, u32 rs1, u32 uimm) {
    return cl_w(2, rs1, rd, uimm);
}
constexpr u32 ld(u32 rd, u32 rs1, u32 uimm) {
    return cl_d(3, rs1, rd, uimm);
}
constexpr u32 fsd(u32 fs2, u32 rs1, u32 uimm) {
    return cl_d(5, rs1, fs2, uimm);
}
constexpr u32 sw(u32 rs2, u32 rs1, u32 uimm) {
    return cl_w(6, rs1, rs2, uimm);
}
constexpr u32 sd(u32 rs2, u32 rs1, u32 uimm) {
    return cl_d(7, rs1, rs2, uimm);
}

// Quadrant 1
constexpr u32 nop() {
    return 0x0001;
}
constexpr u32 addi(u32 rd, i32 imm) {
    return ci(0, 1, rd, imm);
}
constexpr u32 addiw(u32 rd, i32 imm) {
    return ci(1, 1, rd, imm);
}
constexpr u32 li(u32 rd, i32 imm) {
    return ci(2, 1, rd, imm);
}
// sp += nzimm (a multiple of 16): nzimm[9] at 12, nzimm[4|6|8:7|5] at 6:2.
constexpr u32 addi16sp(i32 nzimm) {
    const u32 v = u(nzimm);
    return (3u << 13) | put_bit(v, 9, 12) | (2u << 7) | put_bit(v, 4, 6) | put_bit(v, 6, 5) |
           bits_at(v, 8, 7, 3) | put_bit(v, 5, 2) | 1;
}
// rd = nzimm6 << 12, sign-extended.
constexpr u32 lui(u32 rd, i32 nzimm6) {
    return ci(3, 1, rd, nzimm6);
}
constexpr u32 cb_alu(u32 funct2, u32 rd, u32 imm6) {
    return (4u << 13) | put_bit(imm6, 5, 12) | (funct2 << 10) | (c3(rd) << 7) | bits_at(imm6, 4, 0, 2) | 1;
}
constexpr u32 srli(u32 rd, u32 shamt) {
    return cb_alu(0, rd, shamt);
}
constexpr u32 srai(u32 rd, u32 shamt) {
    return cb_alu(1, rd, shamt);
}
constexpr u32 andi(u32 rd, i32 imm) {
    return cb_alu(2, rd, u(imm));
}
// c.sub c.xor c.or c.and (word = false, funct2 0..3), c.subw c.addw (word = true, funct2 0..1).
constexpr u32 ca(bool word, u32 funct2, u32 rd, u32 rs2) {
    return (4u << 13) | (word ? 1u << 12 : 0) | (3u << 10) | (c3(rd) << 7) | (funct2 << 5) | (c3(rs2) << 2) |
           1;
}
// Offset bits [11|4|9:8|10|6|7|3:1|5] at 12:2.
constexpr u32 j(i32 offset) {
    const u32 v = u(offset);
    return (5u << 13) | put_bit(v, 11, 12) | put_bit(v, 4, 11) | bits_at(v, 9, 8, 9) | put_bit(v, 10, 8) |
           put_bit(v, 6, 7) | put_bit(v, 7, 6) | bits_at(v, 3, 1, 3) | put_bit(v, 5, 2) | 1;
}
// Offset bits [8|4:3] at 12:10, [7:6|2:1|5] at 6:2.
constexpr u32 cb_branch(u32 funct3, u32 rs1, i32 offset) {
    const u32 v = u(offset);
    return (funct3 << 13) | put_bit(v, 8, 12) | bits_at(v, 4, 3, 10) | (c3(rs1) << 7) | bits_at(v, 7, 6, 5) |
           bits_at(v, 2, 1, 3) | put_bit(v, 5, 2) | 1;
}
constexpr u32 beqz(u32 rs1, i32 offset) {
    return cb_branch(6, rs1, offset);
}
constexpr u32 bnez(u32 rs1, i32 offset) {
    return cb_branch(7, rs1, offset);
}

// Quadrant 2
constexpr u32 slli(u32 rd, u32 shamt) {
    return ci(0, 2, rd, static_cast<i32>(shamt));
}
// c.lwsp: uimm[5] at 12, uimm[4:2|7:6] at 6:2.
constexpr u32 lwsp(u32 rd, u32 uimm) {
    return (2u << 13) | put_bit(uimm, 5, 12) | (rd << 7) | bits_at(uimm, 4, 2, 4) | bits_at(uimm, 7, 6, 2) |
           2;
}
// c.ldsp / c.fldsp: uimm[5] at 12, uimm[4:3|8:6] at 6:2.
constexpr u32 ldsp_like(u32 funct3, u32 rd, u32 uimm) {
    return (funct3 << 13) | put_bit(uimm, 5, 12) | (rd << 7) | bits_at(uimm, 4, 3, 5) |
           bits_at(uimm, 8, 6, 2) | 2;
}
constexpr u32 fldsp(u32 fd, u32 uimm) {
    return ldsp_like(1, fd, uimm);
}
constexpr u32 ldsp(u32 rd, u32 uimm) {
    return ldsp_like(3, rd, uimm);
}
constexpr u32 cr(u32 bit12, u32 rd, u32 rs2) {
    return (4u << 13) | (bit12 << 12) | (rd << 7) | (rs2 << 2) | 2;
}
constexpr u32 jr(u32 rs1) {
    return cr(0, rs1, 0);
}
constexpr u32 mv(u32 rd, u32 rs2) {
    return cr(0, rd, rs2);
}
constexpr u32 jalr(u32 rs1) {
    return cr(1, rs1, 0);
}
constexpr u32 add(u32 rd, u32 rs2) {
    return cr(1, rd, rs2);
}
// c.swsp: uimm[5:2|7:6] at 12:7.
constexpr u32 swsp(u32 rs2, u32 uimm) {
    return (6u << 13) | bits_at(uimm, 5, 2, 9) | bits_at(uimm, 7, 6, 7) | (rs2 << 2) | 2;
}
// c.sdsp / c.fsdsp: uimm[5:3|8:6] at 12:7.
constexpr u32 sdsp_like(u32 funct3, u32 rs2, u32 uimm) {
    return (funct3 << 13) | bits_at(uimm, 5, 3, 10) | bits_at(uimm, 8, 6, 7) | (rs2 << 2) | 2;
}
constexpr u32 fsdsp(u32 fs2, u32 uimm) {
    return sdsp_like(5, fs2, uimm);
}
constexpr u32 sdsp(u32 rs2, u32 uimm) {
    return sdsp_like(7, rs2, uimm);
}

} // namespace kite::riscv::test::cenc
