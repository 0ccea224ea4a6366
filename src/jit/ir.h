#pragma once

#include "base/types.h"

#include <array>
#include <vector>

namespace kite::jit {

// What generated code works on: guest-independent virtual registers. A
// front end maps its guest registers onto them.
struct Context {
    static constexpr unsigned kRegs = 32;
    std::array<u64, kRegs> regs{};
};

// A tiny integer IR: each instruction reads virtual registers a and b (or
// the immediate) and writes register dst. All arithmetic wraps mod 2^64.
enum class Op : u8 {
    MovImm, // dst = imm
    Mov,    // dst = a
    Add,    // dst = a + b
    Sub,    // dst = a - b
    And,    // dst = a & b
    Or,     // dst = a | b
    Xor,    // dst = a ^ b
    AddImm, // dst = a + imm
};

struct Insn {
    Op op;
    u8 dst = 0;
    u8 a = 0;
    u8 b = 0;
    i64 imm = 0;
};

using Block = std::vector<Insn>;

} // namespace kite::jit
