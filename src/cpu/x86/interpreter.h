#pragma once

// The public API of kite_x86: an interpreter for one x86-64 processor in
// 64-bit mode running over a Memory. It fetches through a per-page decode
// cache, executes one handler per instruction and stops at the first
// exception with the state as it was before the faulting instruction.

#include "cpu/x86/cpu_state.h"
#include "cpu/x86/decode.h"
#include "cpu/x86/decode_cache.h"
#include "cpu/x86/exception.h"
#include "cpu/x86/memory.h"

#include <optional>

namespace kite::x86 {

struct RunResult {
    u64 executed{0};                    // instructions completed
    std::optional<Exception> exception; // set when an instruction faulted (RIP points at it)
};

class Interpreter {
public:
    explicit Interpreter(Memory& memory);

    CpuState& state() { return m_state; }
    const CpuState& state() const { return m_state; }
    DecodeCache& decode_cache() { return m_cache; }

    // Executes up to `budget` instructions, stopping early at an exception.
    RunResult run(u64 budget);
    // Executes one instruction.
    std::optional<Exception> step();

    // Delivers an exception run() returned, or an external interrupt (an
    // Exception with its vector and no error code), through the 64-bit IDT.
    // False: the delivery ended in a triple fault (the processor shuts down).
    bool deliver(const Exception& e);

    // Fetches and decodes the instruction at RIP (through the cache).
    std::optional<Exception> fetch(DecodedInsn& out);

private:
    Memory& m_memory;
    CpuState m_state;
    Decoder m_decoder;
    DecodeCache m_cache;
};

} // namespace kite::x86
