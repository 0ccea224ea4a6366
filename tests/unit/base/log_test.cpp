#include "base/log.h"

#include <gtest/gtest.h>
#include <vector>

using namespace kite;

TEST(Log, WorthLoggingTheFirstEightThenPowersOfTwo) {
    std::vector<u64> logged;
    for (u64 n = 1; n <= 100; ++n)
        if (log::worth_logging(n))
            logged.push_back(n);
    EXPECT_EQ(logged, (std::vector<u64>{1, 2, 3, 4, 5, 6, 7, 8, 16, 32, 64}));
}
