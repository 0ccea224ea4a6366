// Differential test of Kite's RISC-V interpreter against Unicorn 2.0.1.
//
// For each seed a random program (32-64 instructions; straight-line, or with
// forward branches and jumps) and a random start state are generated
// (program_gen.cpp), run on both engines, and x1..x31, f0..f31, fflags/frm
// and the 4 KiB data buffer are compared. A mismatch prints the seed, the
// program, a minimised program that still mismatches, the differing state
// and the start state.
//
// Seeds: each test runs a fixed block of seeds (0, 1, ...: the same on every
// run) and a block of random seeds that starts at a new random value on each
// run; both blocks are printed on stdout (ctest's log) and in every failure.
// To replay one reported seed S of test T:
//   KITE_DIFF_SEED=S KITE_DIFF_SEEDS=1 build/tests/unit/riscv_diff/riscv_diff_test --gtest_filter=RiscvDiff.T
//
// Environment:
//   KITE_DIFF_SEED=S         run only seeds S, S+1, ... (no fixed block, no random one)
//   KITE_DIFF_SEEDS=N        how many seeds: with KITE_DIFF_SEED, from S; otherwise
//                            in the random block (defaults: the TESTs at the end)
//   KITE_DIFF_MAX_REPORTS=N  mismatching seeds reported in full (default 3)
//   KITE_DIFF_KEEP_DEFECTS=1 do not rewrite the cases Unicorn gets wrong (to
//                            re-check the exclusions against another Unicorn)
//
// Where Unicorn 2.0.1 (QEMU 5.0 TCG) does not follow the current spec, the
// program is rewritten before the comparison (single-stepping it on Kite to
// see the operands) so the case is never reached; FP registers are typed to
// side-step its missing NaN-boxing; Zb* instructions, which it lacks, are
// executed on its side by the test's reference model (zb_model.cpp). See the
// EXCLUSIONS list in exclusions.cpp.
#include "cpu/riscv/decode.h"
#include "cpu/riscv/disasm.h"
#include "diff_seeds.h"
#include "engines.h"
#include "exclusions.h"

#include <cstdio>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <optional>
#include <string>
#include <vector>

namespace kite::riscv::diff {
namespace {

using test::describe;
using test::env_u64;
using test::seed_blocks;
using test::SeedBlock;

const char* mix_name(Mix mix) {
    switch (mix) {
    case Mix::IntegerAndM:
        return "IntegerAndM";
    case Mix::MemoryAndAtomics:
        return "MemoryAndAtomics";
    case Mix::FloatingPoint:
        return "FloatingPoint";
    case Mix::Everything:
        return "Everything";
    case Mix::Compressed:
        return "Compressed";
    case Mix::Bitmanip:
        return "Bitmanip";
    case Mix::ControlFlow:
        return "ControlFlow";
    case Mix::All:
        return "All";
    }
    return "?";
}

// Lines describing how Kite's end state differs from Unicorn's; empty when they agree.
std::vector<std::string> compare(const TestCase& tc, const RunResult& kite, const RunResult& uni) {
    std::vector<std::string> diffs;
    if (!kite.completed)
        diffs.push_back("Kite did not complete: " + kite.error);
    if (!uni.completed)
        diffs.push_back("Unicorn did not complete: " + uni.error);
    if (!diffs.empty())
        return diffs;
    for (u32 r = 1; r < 32; ++r)
        if (kite.state.x[r] != uni.state.x[r])
            diffs.push_back(
                fmt::format("x{:<2}  kite {:#018x}  unicorn {:#018x}", r, kite.state.x[r], uni.state.x[r]));
    std::array<FpType, 32> types{};
    final_fp_types(tc, types);
    for (u32 r = 0; r < 32; ++r) {
        const u64 k = kite.state.f[r];
        const u64 u = uni.state.f[r];
        if (types[r] == FpType::Single) {
            // Unicorn does not NaN-box (see program_gen.h): compare the single only.
            if ((k >> 32) != 0xffffffff)
                diffs.push_back(fmt::format("f{:<2}  kite {:#018x} is not NaN-boxed", r, k));
            if (static_cast<u32>(k) != static_cast<u32>(u))
                diffs.push_back(fmt::format("f{:<2}  kite {:#010x}  unicorn {:#010x} (single)", r,
                                            static_cast<u32>(k), static_cast<u32>(u)));
        } else if (k != u) {
            diffs.push_back(fmt::format("f{:<2}  kite {:#018x}  unicorn {:#018x} (double)", r, k, u));
        }
    }
    if (kite.state.fflags != uni.state.fflags)
        diffs.push_back(fmt::format("fflags  kite {:#04x}  unicorn {:#04x} (NV DZ OF UF NX = 10 08 04 02 01)",
                                    kite.state.fflags, uni.state.fflags));
    if (kite.state.frm != uni.state.frm)
        diffs.push_back(fmt::format("frm  kite {}  unicorn {}", kite.state.frm, uni.state.frm));
    for (u32 off = 0; off < kDataSize; off += 8) {
        u64 k = 0;
        u64 u = 0;
        for (u32 b = 0; b < 8; ++b) {
            k |= u64{kite.state.data[off + b]} << (8 * b);
            u |= u64{uni.state.data[off + b]} << (8 * b);
        }
        if (k != u)
            diffs.push_back(
                fmt::format("mem[{:#x}]  kite {:#018x}  unicorn {:#018x}", kDataBase + off, k, u));
    }
    return diffs;
}

std::string listing(const TestCase& tc, bool skip_nops) {
    std::string out;
    u64 pc = kCodeBase;
    for (std::size_t i = 0; i < tc.code.size(); pc += tc.code[i].size, ++i) {
        const GenInsn& insn = tc.code[i];
        if (skip_nops && is_nop(insn))
            continue;
        const std::string raw =
            insn.size == 2 ? fmt::format("    {:04x}", insn.raw) : fmt::format("{:08x}", insn.raw);
        out += fmt::format("  {:3}  {:#x}:  {}  {}\n", i, pc, raw, disassemble(decode(insn.raw), pc));
    }
    out += fmt::format("       {:#x}:  (end)\n", pc);
    return out;
}

std::string start_state(const TestCase& tc) {
    std::string out;
    for (u32 r = 1; r < 32; ++r)
        out += fmt::format("  x{:<2} {:#018x}{}", r, tc.init.x[r], r % 4 == 3 ? "\n" : "");
    out += "\n";
    for (u32 r = 0; r < 32; ++r)
        out += fmt::format("  f{:<2} {:#018x}{}", r, tc.init.f[r], r % 4 == 3 ? "\n" : "");
    out += fmt::format("  fflags {:#04x}  frm {}  (x31 = data buffer {:#x} + 2048)\n", tc.init.fflags,
                       tc.init.frm, kDataBase);
    return out;
}

class Differ {
public:
    bool ready(std::string& why) const {
        why = m_unicorn.error();
        return m_unicorn.ok();
    }

    // Rewrites the instructions that would hit a known Unicorn defect
    // (exclusions.cpp); returns how many.
    int avoid_unicorn_defects(TestCase& tc) {
        return m_keep_defects ? 0 : m_kite.rewrite(tc, diff::avoid_unicorn_defects);
    }

    u64 zb_emulated() const { return m_unicorn.zb_emulated(); }

    std::vector<std::string> diff(const TestCase& tc) {
        const RunResult k = m_kite.run(tc);
        const RunResult u = m_unicorn.run(tc);
        return compare(tc, k, u);
    }

    // Replaces instructions by nops while the programs still complete on
    // both engines and still disagree.
    TestCase minimise(TestCase tc) {
        std::array<FpType, 32> types{};
        for (bool changed = true; changed;) {
            changed = false;
            for (std::size_t i = 0; i < tc.code.size(); ++i) {
                if (is_nop(tc.code[i]))
                    continue;
                TestCase candidate = tc;
                const u8 size = tc.code[i].size;
                candidate.code[i] = GenInsn{.raw = nop_of_size(size), .size = size};
                if (!final_fp_types(candidate, types))
                    continue;
                TestCase rewritten = candidate;
                if (avoid_unicorn_defects(rewritten) != 0)
                    continue; // would now reach an excluded case
                const RunResult k = m_kite.run(candidate);
                const RunResult u = m_unicorn.run(candidate);
                if (!k.completed || !u.completed || compare(candidate, k, u).empty())
                    continue;
                tc = std::move(candidate);
                changed = true;
            }
        }
        return tc;
    }

private:
    bool m_keep_defects{env_u64("KITE_DIFF_KEEP_DEFECTS", 0) != 0};
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
    u64 rewrites = 0;
    TestCase tc;
    const u64 mismatches = test::run_seeds(
        {"riscv_diff_test", "RiscvDiff", mix_name(mix)}, blocks,
        [&](u64 seed) {
            tc = generate(seed, mix);
            rewrites += static_cast<u64>(differ.avoid_unicorn_defects(tc));
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
    fmt::print(
        "riscv_diff {}: {} programs, {} instructions ({} rewritten to avoid Unicorn defects, {} Zb* run "
        "by the reference model on Unicorn's side), {} mismatching seeds\n",
        mix_name(mix), cases, instructions, rewrites, differ.zb_emulated(), mismatches);
    EXPECT_EQ(mismatches, 0u) << describe(blocks);
}

// Seed counts (fixed, random) keep the whole test at a few seconds (ctest -L
// unit, and under ASan in CI).
TEST(RiscvDiff, IntegerAndM) {
    run_mix(Mix::IntegerAndM, 500, 1500);
}

TEST(RiscvDiff, MemoryAndAtomics) {
    run_mix(Mix::MemoryAndAtomics, 500, 1500);
}

TEST(RiscvDiff, FloatingPoint) {
    run_mix(Mix::FloatingPoint, 1000, 3000);
}

TEST(RiscvDiff, Everything) {
    run_mix(Mix::Everything, 500, 1500);
}

TEST(RiscvDiff, Compressed) {
    run_mix(Mix::Compressed, 500, 1500);
}

TEST(RiscvDiff, Bitmanip) {
    run_mix(Mix::Bitmanip, 500, 1500);
}

TEST(RiscvDiff, ControlFlow) {
    run_mix(Mix::ControlFlow, 500, 1500);
}

TEST(RiscvDiff, All) {
    run_mix(Mix::All, 500, 1500);
}

} // namespace
} // namespace kite::riscv::diff
