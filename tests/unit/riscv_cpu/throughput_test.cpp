// Throughput smoke test: runs a 10M-instruction loop and prints MIPS. It
// asserts only that the loop finished with the right result.
#include "hart_fixture.h"

#include <cstdio>
#include <ctime>

namespace kite::riscv::test {
namespace {

using namespace enc;

class ThroughputTest : public HartTest {
protected:
    // 6 instructions per iteration: ALU, a load, a store and a branch.
    void put_loop(u64 at, u64 iterations) {
        set_x(t0, iterations);
        program(at, {addi(a0, a0, 1), xor_(a1, a1, a0), ld(a2, sp, 0), sd(a1, sp, 8), addi(t0, t0, -1),
                     bne(t0, zero, -20), ebreak()});
    }

    // Returns MIPS over this thread's CPU time (wall time is unreliable on a
    // loaded machine).
    double measure(u64 instructions) {
        const double start = cpu_seconds();
        u64 done = 0;
        while (st().pc != kTrapHandler && done < instructions + 100) {
            hart->run(1'000'000);
            done = hart->instret();
        }
        return static_cast<double>(hart->instret()) / (cpu_seconds() - start) / 1e6;
    }

    static double cpu_seconds() {
        timespec ts{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
    }
};

constexpr u64 kIterations = 10'000'000 / 6;

TEST_F(ThroughputTest, MachineModeLoop) {
    put_loop(kCode, kIterations);
    set_x(sp, kData);
    const double mips = measure(kIterations * 6);
    EXPECT_EQ(st().mcause, 3u); // reached the ebreak
    EXPECT_EQ(x(a0), kIterations);
    std::printf("[ perf     ] M-mode, no paging: %.0f MIPS (thread CPU time)\n", mips);
}

TEST_F(ThroughputTest, SupervisorModeLoopWithSv39) {
    // Identity-map RAM with one 1 GiB leaf; run in S-mode.
    const u64 root = kRamBase + 0x200000;
    put64(root + ((kRamBase >> 30) & 0x1ff) * 8, ((kRamBase >> 12) << 10) | 0xcf); // VRWX AD
    put_loop(kCode, kIterations);
    set_x(sp, kData);
    st().satp = (u64{8} << 60) | (root >> 12);
    st().priv = Privilege::Supervisor;
    const double mips = measure(kIterations * 6);
    EXPECT_EQ(st().mcause, 3u);
    EXPECT_EQ(x(a0), kIterations);
    std::printf("[ perf     ] S-mode, Sv39: %.0f MIPS (thread CPU time)\n", mips);
}

} // namespace
} // namespace kite::riscv::test
