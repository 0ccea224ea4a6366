#include "diff_seeds.h"

#include <cstdio>
#include <cstdlib>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <random>

namespace kite::test {

std::optional<u64> env_u64(const char* name) {
    const char* v = std::getenv(name);
    if (v == nullptr || *v == '\0')
        return std::nullopt;
    return std::strtoull(v, nullptr, 0);
}

u64 env_u64(const char* name, u64 fallback) {
    return env_u64(name).value_or(fallback);
}

std::vector<SeedBlock> seed_blocks(u64 fixed_seeds, u64 random_seeds) {
    if (const std::optional<u64> pinned = env_u64("KITE_DIFF_SEED"))
        return {{*pinned, env_u64("KITE_DIFF_SEEDS", random_seeds), "KITE_DIFF_SEED"}};
    std::random_device device;
    // 48 bits: far from the fixed block, short enough to type.
    const u64 base = ((u64{device()} << 32) | device()) & 0xffff'ffff'ffff;
    return {{0, fixed_seeds, "fixed"}, {base, env_u64("KITE_DIFF_SEEDS", random_seeds), "random"}};
}

std::string describe(const std::vector<SeedBlock>& blocks) {
    std::string out;
    for (const SeedBlock& b : blocks) {
        if (b.count == 0)
            continue;
        out +=
            fmt::format("{}{} seeds {}..{}", out.empty() ? "" : ", ", b.what, b.first, b.first + b.count - 1);
    }
    return out;
}

u64 run_seeds(const DiffRun& run, const std::vector<SeedBlock>& blocks,
              const std::function<std::vector<std::string>(u64 seed)>& diff,
              const std::function<std::string(u64 seed)>& report) {
    const std::string seeds = describe(blocks);
    const u64 max_reports = env_u64("KITE_DIFF_MAX_REPORTS", 3);
    fmt::print("{} {}: {}\n", run.binary, run.mix, seeds);
    std::fflush(stdout);
    u64 mismatches = 0;
    for (const SeedBlock& block : blocks) {
        for (u64 n = 0; n < block.count; ++n) {
            const u64 seed = block.first + n;
            const std::vector<std::string> diffs = diff(seed);
            if (diffs.empty() || ++mismatches > max_reports)
                continue;
            ADD_FAILURE() << fmt::format(
                "{} seed {} (replay: KITE_DIFF_SEED={} KITE_DIFF_SEEDS=1 {} "
                "--gtest_filter={}.{}; this run: {}): Kite and Unicorn disagree\n{}{}",
                run.mix, seed, seed, run.binary, run.suite, run.mix, seeds, join_lines(diffs), report(seed));
        }
    }
    return mismatches;
}

std::string join_lines(const std::vector<std::string>& lines) {
    std::string out;
    for (const std::string& l : lines)
        out += "  " + l + "\n";
    return out;
}

} // namespace kite::test
