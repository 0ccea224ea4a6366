#include "vcpu/run_state.h"

#include <gtest/gtest.h>

using namespace kite;

TEST(GuestFailureStatus, NeverZero) {
    EXPECT_EQ(guest_failure_status(1), 1);
    EXPECT_EQ(guest_failure_status(3), 3);
    EXPECT_EQ(guest_failure_status(255), 255);
    // Statuses are 8 bits: 256 would exit 0, 257 would exit 1.
    EXPECT_EQ(guest_failure_status(256), 255);
    EXPECT_EQ(guest_failure_status(257), 255);
    EXPECT_EQ(guest_failure_status(1ull << 47), 255);
    EXPECT_EQ(guest_failure_status(0), 255);
}

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
