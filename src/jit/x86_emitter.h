#pragma once

#include "base/error.h"
#include "jit/code_buffer.h"
#include "jit/ir.h"

namespace kite::jit {

// Generated code for a block: call it with the context it works on.
using BlockFn = void (*)(Context*);

// Translates a block to x86-64 (System V: the context pointer in rdi) and
// appends it to code. Errors: a register number out of range, or no room.
Result<BlockFn> emit_x86(const Block& block, CodeBuffer& code);

} // namespace kite::jit
