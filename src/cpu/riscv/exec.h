#pragma once

// Instruction handlers, one per operation in ops.def, defined in the
// exec_*.cpp file of their extension. A handler returns the next pc, or
// kTrapPc after raising an exception through Core::raise(); it never touches
// pc itself and may write x0 freely (the run loop clears it afterwards).

#include "cpu/riscv/core.h"

namespace kite::riscv {

using Handler = u64 (*)(Core& c, const DecodedInsn& d, u64 pc);

#define KITE_RV_OP(name, mnemonic, format) u64 exec_##name(Core& c, const DecodedInsn& d, u64 pc);
#include "cpu/riscv/ops.def"

// The table the run loop dispatches through, indexed by Op.
extern const Handler kHandlers[kOpCount];

// Defines a handler with the common signature (parameters may go unused).
#define KITE_RV_HANDLER(name)                                                                                \
    u64 exec_##name([[maybe_unused]] Core& c, [[maybe_unused]] const DecodedInsn& d, [[maybe_unused]] u64 pc)

inline u64 next_pc(const DecodedInsn& d, u64 pc) {
    return pc + d.length;
}
inline u64 sext32(u64 v) {
    return static_cast<u64>(static_cast<i64>(static_cast<i32>(v)));
}
inline u64 imm64(const DecodedInsn& d) {
    return static_cast<u64>(static_cast<i64>(d.imm));
}

// An integer operation on x registers (I, M, Zba/Zbb/Zbs): expr computes rd
// from a (rs1), b (rs2) and imm (the immediate, sign-extended to 64 bits).
#define KITE_RV_ALU(name, expr)                                                                              \
    KITE_RV_HANDLER(name) {                                                                                  \
        const u64 a = c.st.x[d.rs1];                                                                         \
        [[maybe_unused]] const u64 b = c.st.x[d.rs2];                                                        \
        [[maybe_unused]] const u64 imm = imm64(d);                                                           \
        c.st.x[d.rd] = (expr);                                                                               \
        return next_pc(d, pc);                                                                               \
    }

} // namespace kite::riscv
