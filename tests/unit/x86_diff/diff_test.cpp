// Differential test of Kite's x86-64 interpreter against Unicorn 2.0.1
// (QEMU 5.0's TCG, its qemu64 CPU).
//
// For each seed a random program (16-64 instructions with their set-up; see
// program_gen.h) and a random start state are generated and run on both
// engines; RAX..R15, the status flags and DF, the 4 KiB data buffer and the
// 4 KiB stack are compared, and so is how the run ended (the end of the
// code, an exception such as #DE, or an access to unmapped memory) and, if it
// stopped early, where. A mismatch prints the seed, the program, a minimised
// program that still mismatches (other instructions replaced by NOPs of the
// same length) and the differences.
//
// Seeds: see tests/unit/diff_common/diff_seeds.h. To replay seed S of test T:
//   KITE_DIFF_SEED=S KITE_DIFF_SEEDS=1 build/tests/unit/x86_diff/x86_diff_test --gtest_filter=X86Diff.T
// KITE_DIFF_MAX_REPORTS=N: mismatching seeds reported in full (default 3).
// KITE_DIFF_TRACE=1: print RIP and RSP before each instruction Kite runs.
//
// Where the SDM leaves a result undefined, Kite does what Unicorn does and
// says so at the handler (flags.h, exec_muldiv.cpp, exec_shift.cpp,
// exec_bit.cpp). The generator steers clear of cases where they cannot
// agree:
//   - SHLD/SHRD with a 16-bit operand and a count above 16 (undefined; Kite
//     does what Intel processors do);
//   - BSWAP with a 16-bit operand (undefined; Kite gives 0 like Intel
//     processors, Unicorn swaps the low 32 bits) is not generated.
//
// Unicorn defects found, and how the test avoids them:
//   - After a run stops in the interrupt hook (#DE here), the exception
//     stays pending and the next uc_emu_start delivers it through the empty
//     IDT (#DF). Every run restores the CPU context saved at creation.
//   - LOCK NEG m computes SF, ZF and PF from the operand instead of the
//     result (QEMU 5.0's locked path hands the old value to the flags), so
//     NEG is generated without LOCK. Checked on hardware: LOCK NEG and NEG
//     set the same flags.
//   - SHLD/SHRD m, r, imm8 with a RIP-relative operand address the byte
//     before the operand (the immediate is left out of the RIP-relative
//     base), so those are generated without RIP-relative operands.
//   - CMPXCHG with a 32-bit operand always writes RAX and, for a register
//     destination, the destination, so their upper halves are cleared
//     whatever the outcome; processors (checked on an AMD EPYC) write only
//     the one the SDM names. The generator zero-extends both first.
//   - BSF/BSR with a zero source zero-extend a 32-bit destination;
//     processors (checked as above) leave it alone. The generator
//     zero-extends it first.
//   - CMPXCHG8B/16B leave wrong flags other than ZF when they follow
//     certain instructions (CMPXCHG, for one), so ZF is saved with SETZ and
//     the flags are defined again after them.
//   - LOOPE/LOOPNE leave wrong status flags behind when they end the loop
//     (RCX reaches 0), so the generator defines them again on both paths.
//   - The CPU model cannot be chosen (uc_ctl_set_cpu_model is accepted and
//     ignored), so Unicorn runs a qemu64 CPU without POPCNT, MOVBE and BMI1:
//     POPCNT and MOVBE raise #UD and TZCNT runs as BSF. Those three are not
//     generated; their unit tests (tests/unit/x86_cpu) check them.
#include "diff_seeds.h"
#include "engines.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace kite::x86::diff {
namespace {

using test::describe;
using test::seed_blocks;
using test::SeedBlock;

constexpr u64 kComparedFlags = 0xcd5; // CF PF AF ZF SF DF OF
constexpr const char* kGprNames[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                       "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};

const char* mix_name(Mix mix) {
    switch (mix) {
    case Mix::Arithmetic:
        return "Arithmetic";
    case Mix::ShiftsAndBits:
        return "ShiftsAndBits";
    case Mix::MoveAndExchange:
        return "MoveAndExchange";
    case Mix::ControlFlow:
        return "ControlFlow";
    case Mix::Strings:
        return "Strings";
    case Mix::All:
        return "All";
    }
    return "?";
}

std::string ending(const RunResult& r) {
    if (r.completed)
        return "completed";
    if (r.vector)
        return fmt::format("exception {} at rip {:#x}", *r.vector, r.rip);
    if (r.memory_fault)
        return fmt::format("unmapped access at rip {:#x}", r.rip);
    return "error: " + r.error;
}

void compare_bytes(const char* what, u64 base, const std::vector<u8>& k, const std::vector<u8>& u,
                   std::vector<std::string>& diffs) {
    for (std::size_t off = 0; off + 8 <= k.size(); off += 8) {
        u64 kv = 0;
        u64 uv = 0;
        for (u32 b = 0; b < 8; ++b) {
            kv |= u64{k[off + b]} << (8 * b);
            uv |= u64{u[off + b]} << (8 * b);
        }
        if (kv != uv)
            diffs.push_back(
                fmt::format("{}[{:#x}]  kite {:#018x}  unicorn {:#018x}", what, base + off, kv, uv));
    }
}

// Lines describing how Kite's end differs from Unicorn's; empty when they agree.
std::vector<std::string> compare(const RunResult& kite, const RunResult& uni) {
    std::vector<std::string> diffs;
    if (!kite.error.empty() || !uni.error.empty() || kite.completed != uni.completed ||
        kite.vector != uni.vector || kite.memory_fault != uni.memory_fault ||
        (!kite.completed && kite.rip != uni.rip)) {
        diffs.push_back(fmt::format("ending  kite {}  unicorn {}", ending(kite), ending(uni)));
        return diffs;
    }
    for (u32 r = 0; r < 16; ++r)
        if (kite.state.gpr[r] != uni.state.gpr[r])
            diffs.push_back(fmt::format("{:<4} kite {:#018x}  unicorn {:#018x}", kGprNames[r],
                                        kite.state.gpr[r], uni.state.gpr[r]));
    const u64 kf = kite.state.rflags & kComparedFlags;
    const u64 uf = uni.state.rflags & kComparedFlags;
    if (kf != uf)
        diffs.push_back(fmt::format("rflags  kite {:#06x}  unicorn {:#06x}  (OF 800 DF 400 SF 80 ZF 40 AF 10 "
                                    "PF 4 CF 1; differing {:#x})",
                                    kf, uf, kf ^ uf));
    compare_bytes("data", kDataBase, kite.state.data, uni.state.data, diffs);
    compare_bytes("stack", kStackBase, kite.state.stack, uni.state.stack, diffs);
    return diffs;
}

bool is_nop(const std::vector<u8>& insn) {
    return insn == nop_of_length(insn.size());
}

std::string listing(const TestCase& tc, bool skip_nops) {
    std::string out;
    u64 pc = kCodeBase;
    for (std::size_t i = 0; i < tc.code.size(); pc += tc.code[i].size(), ++i) {
        if (skip_nops && is_nop(tc.code[i]))
            continue;
        std::string hex;
        for (const u8 b : tc.code[i])
            hex += fmt::format("{:02x}", b);
        out += fmt::format("  {:3}  {:#x}:  {:<30} {}\n", i, pc, hex, disassemble(tc.code[i], pc));
    }
    out += fmt::format("       {:#x}:  (end)\n", pc);
    return out;
}

std::string start_state(const TestCase& tc) {
    std::string out;
    for (u32 r = 0; r < 16; ++r)
        out += fmt::format("  {:<4}{:#018x}{}", kGprNames[r], tc.init.gpr[r], r % 4 == 3 ? "\n" : "");
    out += fmt::format("  rflags {:#x}  (r15 = data buffer {:#x} + 0x800, rsp = stack {:#x} + 0x800)\n",
                       tc.init.rflags, kDataBase, kStackBase);
    return out;
}

class Differ {
public:
    bool ready(std::string& why) const {
        why = m_unicorn.error();
        return m_unicorn.ok();
    }

    std::vector<std::string> diff(const TestCase& tc) { return compare(m_kite.run(tc), m_unicorn.run(tc)); }

    // Replaces instructions by NOPs of the same length while the engines
    // still disagree.
    TestCase minimise(TestCase tc) {
        for (bool changed = true; changed;) {
            changed = false;
            for (std::size_t i = 0; i < tc.code.size(); ++i) {
                if (is_nop(tc.code[i]))
                    continue;
                TestCase candidate = tc;
                candidate.code[i] = nop_of_length(tc.code[i].size());
                if (diff(candidate).empty())
                    continue;
                tc = std::move(candidate);
                changed = true;
            }
        }
        return tc;
    }

private:
    KiteEngine m_kite;
    UnicornEngine m_unicorn;
};

void run_mix(Mix mix, u64 fixed_seeds, u64 random_seeds) {
    Differ differ;
    std::string why;
    if (!differ.ready(why))
        GTEST_SKIP() << "Unicorn unavailable: " << why;
    const std::vector<SeedBlock> blocks = seed_blocks(fixed_seeds, random_seeds);
    u64 cases = 0;
    u64 instructions = 0;
    TestCase tc;
    const u64 mismatches = test::run_seeds(
        {"x86_diff_test", "X86Diff", mix_name(mix)}, blocks,
        [&](u64 seed) {
            tc = generate(seed, mix);
            ++cases;
            instructions += tc.code.size();
            return differ.diff(tc);
        },
        [&](u64) {
            const TestCase small = differ.minimise(tc);
            return fmt::format("program:\n{}minimised (other instructions replaced by nops):\n{}"
                               "minimised differences:\n{}start state:\n{}",
                               listing(tc, false), listing(small, true), test::join_lines(differ.diff(small)),
                               start_state(tc));
        });
    fmt::print("x86_diff {}: {} programs, {} instructions, {} mismatching seeds\n", mix_name(mix), cases,
               instructions, mismatches);
    EXPECT_EQ(mismatches, 0u) << describe(blocks);
}

// Seed counts (fixed, random) keep the whole test at a few seconds (ctest -L
// unit, and under ASan in CI).
TEST(X86Diff, Arithmetic) {
    run_mix(Mix::Arithmetic, 500, 1000);
}

TEST(X86Diff, ShiftsAndBits) {
    run_mix(Mix::ShiftsAndBits, 500, 1000);
}

TEST(X86Diff, MoveAndExchange) {
    run_mix(Mix::MoveAndExchange, 500, 1000);
}

TEST(X86Diff, ControlFlow) {
    run_mix(Mix::ControlFlow, 500, 1000);
}

TEST(X86Diff, Strings) {
    run_mix(Mix::Strings, 500, 1000);
}

TEST(X86Diff, All) {
    run_mix(Mix::All, 500, 1000);
}

} // namespace
} // namespace kite::x86::diff
