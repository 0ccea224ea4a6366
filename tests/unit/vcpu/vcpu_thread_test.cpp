#include "vcpu/vcpu_thread.h"

#include <gtest/gtest.h>

using namespace kite;

namespace {

// A vCPU whose run() call fails, as KVM_RUN can (EFAULT, ENOEXEC, ...).
class FailingVcpu final : public accel::Vcpu {
public:
    u32 index() const override { return 3; }
    Result<accel::VcpuExit> run() override { return error("KVM_RUN on vCPU 3: Bad address"); }
    void request_exit() override {}
    std::string describe_state() override { return {}; }
};

} // namespace

// A failing accelerator call is not an exit of the guest's making: status 8,
// "accelerator failed", not 6.
TEST(VcpuThread, FailedRunStopsWithAcceleratorFailed) {
    Bus pio{"pio"};
    Bus mmio{"mmio"};
    auto state = RunState::create();
    ASSERT_TRUE(state) << state.error().message();
    VcpuThread thread(std::make_unique<FailingVcpu>(), IoBuses{pio, mmio}, *state);
    ASSERT_TRUE(thread.start());
    thread.join();
    EXPECT_TRUE((*state)->stopping());
    EXPECT_EQ((*state)->status(), to_int(ExitStatus::AcceleratorFailed));
    EXPECT_EQ((*state)->reason(), "vCPU 3: KVM_RUN on vCPU 3: Bad address");
}
