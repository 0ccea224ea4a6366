#include "cpu/riscv/decode.h"
#include "cpu/riscv/disasm.h"
#include "decoder_vectors.inc"

#include <gtest/gtest.h>
#include <set>
#include <string>

namespace kite::riscv {
namespace {

struct Vector32 {
    u64 address;
    u32 word;
    const char* text;
};

struct Vector16 {
    u16 compressed;
    u32 expanded;
};

constexpr Vector32 kVectors32[] = {KITE_RV_VECTORS_32};
constexpr Vector16 kVectors16[] = {KITE_RV_VECTORS_16};

TEST(RiscvDecoder, MatchesObjdumpForEvery32BitOperation) {
    std::set<Op> seen;
    for (const Vector32& v : kVectors32) {
        const DecodedInsn d = decode(v.word);
        EXPECT_EQ(d.length, 4) << v.text;
        EXPECT_EQ(disassemble(d, v.address), v.text) << std::hex << "word 0x" << v.word;
        seen.insert(d.op);
    }
    // Every operation except the sentinels is exercised by the vectors.
    for (std::size_t i = 0; i < kOpCount; ++i) {
        const Op op = static_cast<Op>(i);
        if (op == Op::NotDecoded || op == Op::Illegal)
            continue;
        EXPECT_TRUE(seen.contains(op)) << "no vector for " << op_mnemonic(op);
    }
}

// The operands an operation uses, by its format (unused fields may hold
// leftover encoding bits in the 32-bit form).
bool same_operands(const DecodedInsn& a, const DecodedInsn& b) {
    if (a.op != b.op)
        return false;
    switch (op_format(a.op)) {
    case OpFormat::None:
        return true;
    case OpFormat::R:
    case OpFormat::FRnoRm:
        return a.rd == b.rd && a.rs1 == b.rs1 && a.rs2 == b.rs2;
    case OpFormat::I:
    case OpFormat::Shift:
    case OpFormat::Jalr:
    case OpFormat::Load:
    case OpFormat::FpLoad:
        return a.rd == b.rd && a.rs1 == b.rs1 && a.imm == b.imm;
    case OpFormat::U:
    case OpFormat::J:
        return a.rd == b.rd && a.imm == b.imm;
    case OpFormat::Branch:
    case OpFormat::Store:
    case OpFormat::FpStore:
        return a.rs1 == b.rs1 && a.rs2 == b.rs2 && a.imm == b.imm;
    default:
        return false; // no compressed instruction expands to other formats
    }
}

TEST(RiscvDecoder, CompressedFormsExpandToTheirBaseInstruction) {
    for (const Vector16& v : kVectors16) {
        const DecodedInsn c = decode(v.compressed);
        const DecodedInsn full = decode(v.expanded);
        EXPECT_EQ(c.length, 2);
        EXPECT_NE(c.op, Op::Illegal) << std::hex << v.compressed;
        EXPECT_TRUE(same_operands(c, full)) << std::hex << "0x" << v.compressed << ": " << disassemble(c, 0)
                                            << " vs " << disassemble(full, 0);
    }
}

TEST(RiscvDecoder, CompressedDecodeIgnoresTheUpperHalfword) {
    EXPECT_EQ(decode(0xdead0001).op, Op::Addi); // c.nop
    EXPECT_EQ(decode(0xdead0001).length, 2);
}

TEST(RiscvDecoder, ReservedCompressedEncodingsAreIllegal) {
    const u16 reserved[] = {
        0x0000, // all zeros (defined illegal)
        0x0010, // c.addi4spn with nzuimm = 0
        0x8000, // quadrant 0, funct3 100
        0x2001, // c.addiw x0
        0x6101, // c.addi16sp with nzimm = 0
        0x6081, // c.lui x1 with nzimm = 0
        0x9c41, // reserved CA: funct6 100111, funct2 10
        0x9c61, // reserved CA: funct6 100111, funct2 11
        0x4002, // c.lwsp x0
        0x6002, // c.ldsp x0
        0x8002, // c.jr x0
    };
    for (u16 raw : reserved) {
        const DecodedInsn d = decode(raw);
        EXPECT_EQ(d.op, Op::Illegal) << std::hex << "0x" << raw << " -> " << disassemble(d, 0);
        EXPECT_EQ(d.length, 2);
    }
}

TEST(RiscvDecoder, ReservedAndUnsupported32BitEncodingsAreIllegal) {
    const u32 reserved[] = {
        0xffffffff, // 48-bit-and-longer encoding space
        0x0000007f, // ditto (bits 6:0 = 1111111)
        0x0000001f, // 48-bit prefix
        0x00007003, // LOAD funct3 111
        0x00004023, // STORE funct3 100
        0x00002063, // BRANCH funct3 010
        0x00001067, // JALR funct3 001
        0x0000200f, // MISC-MEM funct3 010 (cbo.*, not implemented)
        0x00004073, // SYSTEM funct3 100
        0x00200073, // SYSTEM funct3 000 unknown (uret)
        0x7b200073, // dret
        0x12000173, // sfence.vma with rd != 0
        0x1010202f, // lr.w with rs2 != 0
        0x0000502f, // AMO funct3 101
        0xf800202f, // AMO funct5 11111
        0x04000033, // OP funct7 0000010
        0x4000103b, // OP-32 funct7 0100000 funct3 001
        0x04001013, // slli with imm[11:6] = 000001 (not a Zb* encoding)
        0x40001013, // OP-IMM funct3 001 funct6 010000
        0x0200101b, // slliw with imm[5] set
        0x0400101b, // OP-IMM-32 funct3 001 funct7 0000010 (slli.uw is 0000100)
        0x04000053, // fadd.h (H format)
        0x06000053, // fadd.q
        0x04000043, // fmadd.h
        0x58100053, // fsqrt.s with rs2 != 0
        0x20003053, // fsgnj.s funct3 011
        0x40200053, // fcvt.s.q (rs2 = 3)
        0xc0400053, // fcvt.w.s with rs2 = 4
        0xe0002053, // fmv.x.w funct3 010
        0xf0001053, // fmv.w.x funct3 001
        0x00004007, // LOAD-FP funct3 100
        0x00001027, // STORE-FP funct3 001 (fsh: no Zfh)
        0x000000d7, // OP-V: no vector extension
        0x0000000b, // custom-0
    };
    for (u32 raw : reserved) {
        const DecodedInsn d = decode(raw);
        EXPECT_EQ(d.op, Op::Illegal) << std::hex << "0x" << raw << " -> " << disassemble(d, 0);
    }
}

TEST(RiscvDecoder, ImmediatesAreSignExtended) {
    EXPECT_EQ(decode(0xfff00093).imm, -1);         // addi x1, x0, -1
    EXPECT_EQ(decode(0x800000b7).imm, INT32_MIN);  // lui x1, 0x80000
    EXPECT_EQ(decode(0xfe000fa3).imm, -1);         // sb x0, -1(x0)
    EXPECT_EQ(decode(0x8000006f).imm, -(1 << 20)); // jal x0, -1 MiB
    EXPECT_EQ(decode(0x80000063).imm, -4096);      // beq x0, x0, -4096
}

TEST(RiscvDecoder, CsrInstructionsCarryTheCsrNumberAndImmediate) {
    const DecodedInsn d = decode(0x3007d073); // csrrwi x0, mstatus, 15
    EXPECT_EQ(d.op, Op::Csrrwi);
    EXPECT_EQ(d.imm, 0x300);
    EXPECT_EQ(d.rs1, 15);
}

TEST(RiscvDecoder, OpTableNamesEveryOperation) {
    for (std::size_t i = 0; i < kOpCount; ++i)
        EXPECT_FALSE(op_mnemonic(static_cast<Op>(i)).empty());
    EXPECT_EQ(op_mnemonic(Op::Add), "add");
    EXPECT_EQ(op_format(Op::FmaddD), OpFormat::FR4);
}

} // namespace
} // namespace kite::riscv
