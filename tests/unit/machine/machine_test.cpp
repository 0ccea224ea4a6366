#include "accel/riscv_vcpu.h"
#include "accel/tcg/tcg_vm.h"
#include "devices/uart16550/uart16550_device.h"
#include "machine/common/machine.h"
#include "machine/common/serial_config.h"

#include <array>
#include <chrono>
#include <gtest/gtest.h>
#include <memory>
#include <string>
#include <thread>

namespace kite::machine {
namespace {

using namespace std::chrono_literals;

constexpr u64 kRamBase = 0x8000'0000;
constexpr u64 kCounter = kRamBase + 0x100;

// A one-hart RISC-V machine on the software CPU whose guest counts forever:
//   auipc x2, 0; 1: addi x1, x1, 1; sd x1, 0x100(x2); j 1b
class CountingMachine final : public Machine {
public:
    CountingMachine()
        : Machine([this]() -> MachineResult<std::unique_ptr<accel::Accelerator>> {
              return std::make_unique<tcg::TcgAccelerator>(tcg::TcgBoardConfig{.mmio = &m_mmio});
          }) {}

    u64 counter() { return *m_memory.read_obj<u64>(GuestAddress(kCounter)); }
    std::shared_ptr<devices::Uart16550Device> uart;

private:
    MachineResult<void> build_board() override {
        TRY_AS(ExitStatus::Usage, m_memory.add_region(GuestAddress(kRamBase), 64 * KiB));
        constexpr std::array<u32, 4> program{0x0000'0117, 0x0010'8093, 0x1011'3023, 0xff9f'f06f};
        for (std::size_t i = 0; i < program.size(); ++i)
            TRY_AS(ExitStatus::Usage, m_memory.write_obj(GuestAddress(kRamBase + 4 * i), program[i]));
        TRY(create_vm(1));
        TRY(create_vcpus(1));
        m_console = TRY_AS(ExitStatus::Usage, open_serial({SerialMode::None, {}}));
        uart = std::make_shared<devices::Uart16550Device>(std::make_shared<RecordingIrqLine>(), [](u8) {});
        TRY_AS(ExitStatus::GuestFailure, m_mmio.insert(0x1000'0000, 8, uart, "uart0"));
        TRY_AS(ExitStatus::GuestFailure, m_registry.add("uart0", uart));
        return {};
    }
    MachineResult<void> boot_board() override {
        TRY_AS(ExitStatus::AcceleratorFailed, vcpu(0).as_riscv()->set_entry_state({.pc = kRamBase}));
        return {};
    }
    ConsoleBinding console_binding() override {
        return {m_console.get(), [](std::span<const u8>) {}, nullptr};
    }

    std::unique_ptr<CharBackend> m_console;
};

// Waits (bounded) until the guest's counter passes `above`.
bool counter_passes(CountingMachine& machine, u64 above) {
    for (int i = 0; i < 500; ++i) {
        if (machine.counter() > above)
            return true;
        std::this_thread::sleep_for(2ms);
    }
    return false;
}

TEST(Machine, TheSoftwareCpuGivesARiscvVcpu) {
    CountingMachine machine;
    ASSERT_TRUE(machine.build());
    ASSERT_EQ(machine.vcpu_count(), 1u);
    EXPECT_NE(machine.vcpu(0).as_riscv(), nullptr);
    EXPECT_EQ(machine.vcpu(0).as_x86(), nullptr);
}

// Runs a built and booted machine on its own thread; stop() (or the
// destructor, when an assertion ended the test early) stops and joins it.
class Runner {
public:
    explicit Runner(CountingMachine& machine)
        : m_machine(machine), m_thread([this] { m_result = m_machine.run(); }) {}
    ~Runner() { (void)stop(0, "test over"); }

    MachineResult<int> stop(int status, std::string reason) {
        if (m_thread.joinable()) {
            m_machine.run_state().request_stop(status, std::move(reason));
            m_thread.join();
        }
        return m_result;
    }

private:
    CountingMachine& m_machine;
    MachineResult<int> m_result = 1;
    std::thread m_thread;
};

class RunningMachine : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(machine.build());
        ASSERT_TRUE(machine.boot());
        runner = std::make_unique<Runner>(machine);
        ASSERT_TRUE(counter_passes(machine, 0)) << "the guest never ran";
    }
    void TearDown() override { runner.reset(); }

    CountingMachine machine;
    std::unique_ptr<Runner> runner;
};

TEST_F(RunningMachine, PauseHoldsEveryVcpuAndResumeLetsThemGoOn) {
    machine.pause_all();
    EXPECT_TRUE(machine.vcpu_thread(0).paused());
    u64 held = machine.counter();
    std::this_thread::sleep_for(30ms);
    EXPECT_EQ(machine.counter(), held) << "a paused vCPU ran on";

    // Device state is saved while everything is held.
    auto snapshot = machine.device_registry().save_all();
    ASSERT_EQ(snapshot.size(), 1u);
    EXPECT_EQ(snapshot[0].name, "uart0");
    EXPECT_TRUE(machine.device_registry().restore_all(snapshot));

    machine.resume_all();
    EXPECT_TRUE(counter_passes(machine, held)) << "the vCPU did not resume";
    EXPECT_FALSE(machine.vcpu_thread(0).paused());

    auto result = runner->stop(0, "test done");
    ASSERT_TRUE(result);
    EXPECT_EQ(*result, 0);
}

TEST_F(RunningMachine, AStopWhilePausedEndsTheRun) {
    machine.pause_all();
    auto result = runner->stop(3, "stopped while paused");
    ASSERT_TRUE(result);
    EXPECT_EQ(*result, 3);
}

TEST(Machine, AFailingAcceleratorFactoryFailsTheBuildWithItsStatus) {
    class NoAccel final : public Machine {
    public:
        NoAccel()
            : Machine([]() -> MachineResult<std::unique_ptr<accel::Accelerator>> {
                  return fail(ExitStatus::AcceleratorUnavailable, Error::format("kvm unavailable: test"));
              }) {}

    private:
        MachineResult<void> build_board() override { return create_vm(1); }
        MachineResult<void> boot_board() override { return {}; }
        ConsoleBinding console_binding() override { return {}; }
    };
    NoAccel machine;
    auto built = machine.build();
    ASSERT_FALSE(built);
    EXPECT_EQ(built.error().status, ExitStatus::AcceleratorUnavailable);
}

} // namespace
} // namespace kite::machine
