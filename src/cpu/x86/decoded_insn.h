#pragma once

#include "base/types.h"

#include <string_view>

namespace kite::x86 {

enum class Op : u8 {
#define KITE_X86_OP(name, group) name,
#include "cpu/x86/ops.def"
    Count_
};

constexpr std::size_t kOpCount = static_cast<std::size_t>(Op::Count_);

std::string_view op_name(Op op);

// Register operand numbers: 0..15 are the GPRs (for a byte operand with a
// REX prefix, 4..7 are SPL..DIL); AH, CH, DH and BH are kHighByte + 0..3.
constexpr u8 kHighByte = 16;
// Memory operand bases: no register, or RIP-relative (the displacement is
// then relative to the next instruction).
constexpr u8 kNoReg = 0xff;
constexpr u8 kRipBase = 0xfe;

enum class OperandKind : u8 { None, Reg, Mem, Imm };

// One explicit operand. For Reg, `reg`; for Mem, base/index/scale/segment
// and the displacement in `value`; for Imm, the immediate sign- or
// zero-extended to 64 bits as the encoding defines (a relative branch's
// displacement for branches).
struct Operand {
    OperandKind kind{OperandKind::None};
    u8 size{0}; // bytes
    u8 reg{kNoReg};
    u8 index{kNoReg};
    u8 scale{1};
    u8 segment{0}; // SegReg
    u64 value{0};
};

enum class Rep : u8 { None, Rep, Repe, Repne };

// One instruction decoded into Kite's own form: cheap to execute again (the
// interpreter caches it per physical page) and independent of the decoder
// library, so a translator can read the same fields.
struct DecodedInsn {
    Op op{Op::Invalid};
    u8 length{0};
    u8 op_size{0};   // operand size in bytes: 1, 2, 4 or 8
    u8 addr_size{8}; // address size in bytes: 2, 4 or 8
    u8 cond{0};      // Jcc/SETcc/CMOVcc condition, as the opcode's low nibble
    u8 count{0};     // explicit operands
    Rep rep{Rep::None};
    bool lock{false};
    u8 data_segment{3}; // DS, or the segment-override prefix (string sources)
    Operand ops[3];
};

} // namespace kite::x86
