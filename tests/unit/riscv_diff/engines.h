#pragma once

// The two engines the differential test compares: Kite's Hart and Unicorn,
// both starting from a TestCase's state and running its code until it reaches
// code_end() (at most one pass: control flow only goes forward).

#include "bus/bus.h"
#include "cpu/riscv/decoded_insn.h"
#include "cpu/riscv/hart.h"
#include "memory/guest_memory.h"
#include "program_gen.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>

struct uc_struct; // Unicorn's uc_engine

namespace kite::riscv::diff {

struct RunResult {
    ArchState state;
    bool completed{false}; // reached the end of the code without a trap
    std::string error;     // why not
};

// A Hart in M-mode with kRamSize bytes of RAM at kRamBase; reused across
// test cases (reset() drops the decode cache, TLB and reservation).
class KiteEngine {
public:
    // Given the instruction about to execute and the state before it: a
    // replacement instruction word, or nullopt to keep it.
    using Rewriter = std::function<std::optional<u32>(const DecodedInsn& insn, u32 raw,
                                                      const HartState& state, const GuestMemory& ram)>;

    KiteEngine();
    RunResult run(const TestCase& tc);

    // Single-steps tc and, wherever `rewrite` asks, replaces the instruction
    // about to execute (by one of the same size) and starts over. Returns the
    // number of replacements.
    int rewrite(TestCase& tc, const Rewriter& rewrite);

private:
    void load(const TestCase& tc);

    GuestMemory m_ram;
    Bus m_mmio{"diff-mmio"};
    std::unique_ptr<Hart> m_hart;
};

// A Unicorn RISCV64 engine with the same RAM, reused across test cases (the
// translation cache of the code area is dropped before each run).
class UnicornEngine {
public:
    UnicornEngine();
    ~UnicornEngine();
    UnicornEngine(const UnicornEngine&) = delete;
    UnicornEngine& operator=(const UnicornEngine&) = delete;

    // False (with error()) when Unicorn could not be set up.
    bool ok() const { return m_uc != nullptr; }
    const std::string& error() const { return m_error; }

    RunResult run(const TestCase& tc);

    // How many Zb* instructions Unicorn left to the reference model so far.
    u64 zb_emulated() const { return m_zb_emulated; }

private:
    static void on_exception(uc_struct* uc, u32 intno, void* self);

    uc_struct* m_uc{nullptr};
    std::string m_error;
    const TestCase* m_running{nullptr}; // the case being run, for on_exception
    std::string m_stop_reason;          // set when on_exception stops the run
    u64 m_zb_emulated{0};
};

} // namespace kite::riscv::diff
