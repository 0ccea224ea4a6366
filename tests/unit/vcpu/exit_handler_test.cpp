#include "vcpu/exit_handler.h"

#include <array>
#include <gtest/gtest.h>

using namespace kite;
using Action = ExitOutcome::Action;

namespace {

class EchoDevice final : public BusDevice {
public:
    void read(u64 offset, std::span<u8> data) override {
        for (auto& b : data)
            b = static_cast<u8>(0x40 + offset);
    }
    void write(u64, std::span<const u8> data) override {
        written.insert(written.end(), data.begin(), data.end());
    }
    std::vector<u8> written;
};

struct Fixture : ::testing::Test {
    Bus pio{"pio"};
    Bus mmio{"mmio"};
    IoBuses buses{pio, mmio};
    std::shared_ptr<EchoDevice> dev = std::make_shared<EchoDevice>();
    void SetUp() override {
        ASSERT_TRUE(pio.insert(0x10, 4, dev, "echo"));
        ASSERT_TRUE(mmio.insert(0x1000, 16, dev, "echo"));
    }
};

} // namespace

using ExitHandler = Fixture;

TEST_F(ExitHandler, PortReadAndRepOutsGoToTheBus) {
    std::array<u8, 1> in{};
    accel::VcpuExit exit = accel::PioExit{0x12, 1, 1, accel::IoDirection::In, in};
    EXPECT_EQ(handle_exit(exit, buses).action, Action::Continue);
    EXPECT_EQ(in[0], 0x42);

    std::array<u8, 3> out{'a', 'b', 'c'};
    exit = accel::PioExit{0x10, 1, 3, accel::IoDirection::Out, out};
    EXPECT_EQ(handle_exit(exit, buses).action, Action::Continue);
    EXPECT_EQ(dev->written, (std::vector<u8>{'a', 'b', 'c'}));
}

TEST_F(ExitHandler, MmioToNothingReadsAllOnes) {
    std::array<u8, 4> data{};
    accel::VcpuExit exit = accel::MmioExit{0xdead0000, false, data};
    EXPECT_EQ(handle_exit(exit, buses).action, Action::Continue);
    EXPECT_EQ(data, (std::array<u8, 4>{0xff, 0xff, 0xff, 0xff}));
    EXPECT_EQ(mmio.unhandled_count(), 1u);
}

TEST_F(ExitHandler, ShutdownAndResetStopCleanly) {
    accel::VcpuExit exit = accel::ShutdownExit{};
    auto o = handle_exit(exit, buses);
    EXPECT_EQ(o.action, Action::Stop);
    EXPECT_EQ(o.status, 0);
    EXPECT_FALSE(o.dump_state);
    exit = accel::SystemEventExit{accel::SystemEventKind::Reset, 2};
    EXPECT_EQ(handle_exit(exit, buses).status, 0);
}

TEST_F(ExitHandler, FatalExitsStopWithGuestFailureAndDumpState) {
    std::vector<accel::VcpuExit> fatal = {
        accel::FailEntryExit{0x21, 1},
        accel::InternalErrorExit{1, "data: 0x1"},
        accel::UnknownExit{999},
        accel::SystemEventExit{accel::SystemEventKind::Crash, 3},
    };
    for (auto& exit : fatal) {
        auto o = handle_exit(exit, buses);
        EXPECT_EQ(o.action, Action::Stop);
        EXPECT_EQ(o.status, to_int(ExitStatus::GuestFailure));
        EXPECT_TRUE(o.dump_state);
        EXPECT_FALSE(o.reason.empty());
    }
}

TEST_F(ExitHandler, HaltAndInterruptContinue) {
    accel::VcpuExit exit = accel::HaltExit{};
    EXPECT_EQ(handle_exit(exit, buses).action, Action::Continue);
    exit = accel::InterruptedExit{};
    EXPECT_EQ(handle_exit(exit, buses).action, Action::Continue);
}
