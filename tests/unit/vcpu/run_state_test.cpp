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

TEST(RunState, GuestFailureStatusIsNeverSuccess) {
    EXPECT_EQ(guest_failure_status(42), 42);
    EXPECT_EQ(guest_failure_status(255), 255);
    EXPECT_EQ(guest_failure_status(0), 1);
    EXPECT_EQ(guest_failure_status(256), 255);
    EXPECT_EQ(guest_failure_status(0xFFFF), 255);
    EXPECT_EQ(guest_failure_status(~0ull), 255);
}
