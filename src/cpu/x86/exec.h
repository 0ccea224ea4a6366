#pragma once

// Instruction handlers, one per operation in ops.def, defined in the
// exec_<group>.cpp file ops.def names. A handler runs with c.next_rip set to
// the next instruction; it returns true when the instruction completed (the
// loop then moves RIP to c.next_rip), or false after Core::raise(), with no
// architectural state changed except what the SDM lets a faulting
// instruction leave behind (a REP string operation's finished iterations).

#include "cpu/x86/core.h"

namespace kite::x86 {

using Handler = bool (*)(Core& c, const DecodedInsn& d);

#define KITE_X86_OP(name, group) bool exec_##name(Core& c, const DecodedInsn& d);
#include "cpu/x86/ops.def"

// The table the run loop dispatches through, indexed by Op.
extern const Handler kHandlers[kOpCount];

#define KITE_X86_HANDLER(name)                                                                               \
    bool exec_##name([[maybe_unused]] Core& c, [[maybe_unused]] const DecodedInsn& d)

} // namespace kite::x86
