#pragma once

// Seed selection shared by the differential tests (riscv_diff, x86_diff):
// each test runs a fixed block of seeds (0, 1, ...: the same on every run)
// and a block of random seeds that starts at a new value on each run.
//
// Environment:
//   KITE_DIFF_SEED=S   run only seeds S, S+1, ... (no fixed block, no random one)
//   KITE_DIFF_SEEDS=N  how many seeds: with KITE_DIFF_SEED, from S; otherwise
//                      in the random block

#include "base/types.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace kite::test {

std::optional<u64> env_u64(const char* name);
u64 env_u64(const char* name, u64 fallback);

// A block of consecutive seeds.
struct SeedBlock {
    u64 first;
    u64 count;
    const char* what;
};

// The seed blocks of one test: KITE_DIFF_SEED alone when set; otherwise the
// fixed block and a random one.
std::vector<SeedBlock> seed_blocks(u64 fixed_seeds, u64 random_seeds);

// "fixed seeds 0..499, random seeds N..M", for logs and failure messages.
std::string describe(const std::vector<SeedBlock>& blocks);

// Which test a seed loop belongs to, for its log lines and replay hints:
// `binary` --gtest_filter=`suite`.`mix`.
struct DiffRun {
    const char* binary;
    const char* suite;
    const char* mix;
};

// The seed loop of a differential test. Prints the seed blocks first (so a
// crash still leaves them in the log), then calls `diff(seed)` for each
// seed: the lines describing how the engines disagree, empty when they
// agree. The first KITE_DIFF_MAX_REPORTS (default 3) mismatching seeds
// become test failures that carry those lines, a replay command and
// `report(seed)`. Returns how many seeds mismatched.
u64 run_seeds(const DiffRun& run, const std::vector<SeedBlock>& blocks,
              const std::function<std::vector<std::string>(u64 seed)>& diff,
              const std::function<std::string(u64 seed)>& report);

// Lines indented by two spaces, each ending in a newline.
std::string join_lines(const std::vector<std::string>& lines);

} // namespace kite::test
