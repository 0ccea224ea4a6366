#pragma once

// Exception and interrupt delivery through the 64-bit IDT (long mode):
// gate checks, privilege change through the TSS's RSPn, IST stacks, the
// 16-byte-aligned frame (SS, RSP, RFLAGS, CS, RIP, error code), and the
// double-fault and triple-fault rules.

#include "cpu/x86/core.h"

namespace kite::x86 {

enum class Delivery : u8 {
    Delivered,
    TripleFault, // delivering #DF faulted: the processor shuts down
};

// Delivers `e` (an exception an instruction raised, or an external interrupt
// with `e.vector` its vector and no error code). For #PF, CR2 is set first.
Delivery deliver(Core& c, const Exception& e);

} // namespace kite::x86
