#pragma once

// Zba/Zbb/Zbs as the differential test sees them: one table of encodings that
// the program generator draws from, and a reference model of each operation
// written for the test (independently of src/cpu/riscv/exec_zb.cpp).
// Unicorn 2.0.1 has no bit-manipulation extensions (exclusions.cpp, 5), so
// its engine executes these instructions with this model when Unicorn raises
// illegal-instruction on them; Kite's results are compared with the model's.

#include "base/types.h"

#include <optional>
#include <span>

namespace kite::riscv::diff {

enum class ZbForm : u8 {
    R,      // rd, rs1, rs2
    Unary,  // rd, rs1 (the rs2 field is part of the encoding)
    Shift6, // rd, rs1, shamt[5:0]
    Shift5, // rd, rs1, shamt[4:0]
};

struct ZbOp {
    const char* name;
    u32 match; // the fixed bits of the encoding
    ZbForm form;
    // The result from rs1, rs2 (R form) or the shift amount (Shift forms).
    u64 (*eval)(u64 a, u64 b);
};

// Every Zba, Zbb and Zbs instruction of RV64.
std::span<const ZbOp> zb_ops();

// The instruction with its registers (and shift amount, taken modulo the
// field's width) filled in.
u32 zb_encode(const ZbOp& op, u32 rd, u32 rs1, u32 rs2_or_shamt);

// For a Zb* instruction word: its operation; nullptr for anything else.
const ZbOp* zb_find(u32 raw);

// Executes a Zb* instruction on a register file (x[0] stays 0); false for
// anything else.
bool zb_execute(u32 raw, std::span<u64, 32> x);

} // namespace kite::riscv::diff
