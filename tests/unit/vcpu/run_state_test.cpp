#include "vcpu/run_state.h"

#include <gtest/gtest.h>

using namespace kite;

TEST(RunState, FirstStopRequestWins) {
    auto state = RunState::create();
    ASSERT_TRUE(state);
    auto& s = **state;
    EXPECT_FALSE(s.stopping());
    s.request_stop(85, "debug exit");
    s.request_stop(0, "reset");
    EXPECT_TRUE(s.stopping());
    EXPECT_EQ(s.status(), 85);
    EXPECT_EQ(s.reason(), "debug exit");
}
