#pragma once

#include "base/types.h"

#include <string_view>

namespace kite::riscv {

enum class Op : u16 {
#define KITE_RV_OP(name, mnemonic, format) name,
#include "cpu/riscv/ops.def"
    Count_
};

constexpr std::size_t kOpCount = static_cast<std::size_t>(Op::Count_);

// How an operation's operands are printed (and which register file they name).
enum class OpFormat : u8 {
    None,      // no operands
    R,         // rd, rs1, rs2
    R1,        // rd, rs1
    I,         // rd, rs1, imm
    Shift,     // rd, rs1, shamt
    U,         // rd, imm[31:12]
    J,         // rd, pc-relative target
    Jalr,      // rd, imm(rs1)
    Branch,    // rs1, rs2, pc-relative target
    Load,      // rd, imm(rs1)
    Store,     // rs2, imm(rs1)
    Fence,     // pred, succ
    SfenceVma, // rs1, rs2
    Csr,       // rd, csr, rs1
    CsrI,      // rd, csr, uimm (in rs1)
    Lr,        // rd, (rs1)
    Amo,       // rd, rs2, (rs1)
    FpLoad,    // fd, imm(rs1)
    FpStore,   // fs2, imm(rs1)
    FR,        // fd, fs1, fs2, rm
    FRnoRm,    // fd, fs1, fs2
    FR1,       // fd, fs1, rm
    FR4,       // fd, fs1, fs2, fs3, rm
    FToX,      // rd, fs1, rm
    FToXnoRm,  // rd, fs1
    FCmp,      // rd, fs1, fs2
    XToF,      // fd, rs1, rm
    XToFnoRm,  // fd, rs1
};

std::string_view op_mnemonic(Op op);
OpFormat op_format(Op op);

// One instruction decoded into a form that is cheap to execute again: the
// interpreter caches these per physical code page, and a translator can read
// the same fields. Compressed instructions are already expanded to their base
// operation; `length` keeps the original size for the pc increment.
struct DecodedInsn {
    Op op{Op::NotDecoded};
    u8 rd{0};
    u8 rs1{0}; // also the 5-bit immediate of csrr*i
    u8 rs2{0};
    u8 rs3{0};
    u8 rm{0};     // FP rounding-mode field (funct3); aq/rl bits (aq=2, rl=1) for A
    u8 length{4}; // 2 or 4 bytes
    i32 imm{0};   // sign-extended immediate, shift amount, CSR number or fence bits
};
static_assert(sizeof(DecodedInsn) == 12, "decode cache entries are meant to stay small");

} // namespace kite::riscv
