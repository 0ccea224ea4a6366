// Interrupt delivery: enables, delegation, priority, device lines from other
// threads, WFI and stop requests.
#include "hart_fixture.h"

#include <atomic>
#include <chrono>
#include <thread>

namespace kite::riscv::test {
namespace {

using namespace enc;

constexpr u64 kInterrupt = u64{1} << 63;

class InterruptTest : public HartTest {
protected:
    void SetUp() override {
        // An endless loop of nops.
        program({nop(), nop(), nop(), jal(zero, -12)});
    }
};

TEST_F(InterruptTest, DisabledInterruptsStayPending) {
    st().mie = irq::bit(irq::MTI);
    hart->set_interrupt(InterruptLine::MachineTimer, true);
    step(10);
    EXPECT_NE(st().pc, kTrapHandler);
    EXPECT_TRUE(hart->has_pending_interrupt());
}

TEST_F(InterruptTest, MachineTimerInterruptIsTakenWhenEnabled) {
    st().mie = irq::bit(irq::MTI);
    st().mstatus |= mstatus::MIE;
    step(2);
    hart->set_interrupt(InterruptLine::MachineTimer, true);
    step(1);
    EXPECT_EQ(st().pc, kTrapHandler);
    EXPECT_EQ(st().mcause, kInterrupt | 7);
    EXPECT_EQ(st().mepc, kCode + 8); // the next instruction to run
    EXPECT_FALSE(st().mstatus & mstatus::MIE);
    EXPECT_TRUE(st().mstatus & mstatus::MPIE);
}

TEST_F(InterruptTest, VectoredInterrupts) {
    st().mtvec = kTrapHandler | 1;
    put32(kTrapHandler + 4 * 11, jal(zero, 0));
    st().mie = irq::bit(irq::MEI);
    st().mstatus |= mstatus::MIE;
    hart->set_interrupt(InterruptLine::MachineExternal, true);
    step(1);
    EXPECT_EQ(st().pc, kTrapHandler + 44);
}

TEST_F(InterruptTest, PriorityOrder) {
    // Undelegated interrupts pending in U-mode: the highest-priority one wins.
    const int order[] = {irq::MEI, irq::MSI, irq::MTI, irq::SEI, irq::SSI, irq::STI};
    for (int i = 0; i < 6; ++i) {
        u64 pending = 0;
        for (int j = i; j < 6; ++j)
            pending |= irq::bit(order[j]);
        hart->reset(kCode);
        program({nop()});
        st().mtvec = kTrapHandler;
        st().priv = Privilege::User;
        st().mie = irq::kAllMask;
        st().mip = pending & irq::kSupervisorMask;
        hart->set_interrupt(InterruptLine::MachineExternal, pending & irq::bit(irq::MEI));
        hart->set_interrupt(InterruptLine::MachineSoftware, pending & irq::bit(irq::MSI));
        hart->set_interrupt(InterruptLine::MachineTimer, pending & irq::bit(irq::MTI));
        step(1);
        EXPECT_EQ(st().mcause, kInterrupt | static_cast<u64>(order[i]));
    }
}

TEST_F(InterruptTest, DelegatedInterruptsGoToSupervisorAndMachineOnesWin) {
    st().priv = Privilege::Supervisor;
    st().mideleg = irq::kSupervisorMask;
    st().mie = irq::bit(irq::STI) | irq::bit(irq::MTI);
    st().mstatus |= mstatus::SIE;
    st().mip = irq::bit(irq::STI);
    step(1);
    EXPECT_EQ(st().pc, kSTrapHandler);
    EXPECT_EQ(st().scause, kInterrupt | 5);
    EXPECT_EQ(st().priv, Privilege::Supervisor);
    EXPECT_FALSE(st().mstatus & mstatus::SIE);

    // Machine interrupts are enabled below M whatever MIE says, and beat S ones.
    hart->reset(kCode);
    program({nop()});
    st().mtvec = kTrapHandler;
    st().priv = Privilege::Supervisor;
    st().mideleg = irq::kSupervisorMask;
    st().mie = irq::bit(irq::STI) | irq::bit(irq::MTI);
    st().mstatus |= mstatus::SIE;
    st().mip = irq::bit(irq::STI);
    hart->set_interrupt(InterruptLine::MachineTimer, true);
    step(1);
    EXPECT_EQ(st().pc, kTrapHandler);
    EXPECT_EQ(st().mcause, kInterrupt | 7);
}

TEST_F(InterruptTest, SupervisorInterruptsNeverPreemptMachineMode) {
    st().mideleg = irq::kSupervisorMask;
    st().mie = irq::bit(irq::SSI);
    st().mstatus |= mstatus::SIE | mstatus::MIE;
    st().mip = irq::bit(irq::SSI);
    step(5);
    EXPECT_NE(st().pc, kSTrapHandler);
    EXPECT_EQ(st().priv, Privilege::Machine);
}

TEST_F(InterruptTest, SupervisorInterruptsInUserModeIgnoreSie) {
    st().priv = Privilege::User;
    st().mideleg = irq::kSupervisorMask;
    st().mie = irq::bit(irq::SSI);
    st().mip = irq::bit(irq::SSI);
    step(1);
    EXPECT_EQ(st().pc, kSTrapHandler);
    EXPECT_EQ(st().scause, kInterrupt | 1);
    EXPECT_FALSE(st().mstatus & mstatus::SPP);
}

TEST_F(InterruptTest, WritingMieTakesEffectAtTheNextInstruction) {
    // Pending MSIP with MIE set; enabling it in mie traps right after the write.
    program({csrrw(zero, csr::Mie, a1), nop(), nop()});
    set_x(a1, irq::bit(irq::MSI));
    st().mstatus |= mstatus::MIE;
    hart->set_interrupt(InterruptLine::MachineSoftware, true);
    step(2);
    EXPECT_EQ(st().pc, kTrapHandler);
    EXPECT_EQ(st().mepc, kCode + 4);
}

TEST_F(InterruptTest, MretIntoEnabledInterruptTakesItImmediately) {
    program({mret()});
    st().mepc = kCode + 0x40;
    st().mstatus |= mstatus::MPIE | mstatus::MPP;
    st().mie = irq::bit(irq::MTI);
    hart->set_interrupt(InterruptLine::MachineTimer, true);
    step(2);
    EXPECT_EQ(st().pc, kTrapHandler);
    EXPECT_EQ(st().mepc, kCode + 0x40);
}

TEST_F(InterruptTest, WfiWithNothingPendingReturnsToTheCaller) {
    program({wfi(), addi(a0, zero, 1)});
    EXPECT_EQ(step(100), Hart::StopReason::WaitingForInterrupt);
    EXPECT_EQ(st().pc, kCode + 4);
    EXPECT_EQ(x(a0), 0u);
    // Pending but globally disabled: WFI still wakes and execution continues.
    st().mie = irq::bit(irq::MTI);
    hart->set_interrupt(InterruptLine::MachineTimer, true);
    EXPECT_TRUE(hart->has_pending_interrupt());
    step(1);
    EXPECT_EQ(x(a0), 1u);
}

TEST_F(InterruptTest, WfiWithAPendingInterruptIsANop) {
    program({wfi(), addi(a0, zero, 1)});
    st().mie = irq::bit(irq::MTI);
    hart->set_interrupt(InterruptLine::MachineTimer, true);
    EXPECT_EQ(step(2), Hart::StopReason::BudgetExhausted);
    EXPECT_EQ(x(a0), 1u);
}

TEST_F(InterruptTest, AnInterruptRaisedFromAnotherThreadIsTakenPromptly) {
    st().mie = irq::bit(irq::MEI);
    st().mstatus |= mstatus::MIE;
    std::atomic<bool> started{false};
    std::thread device([&] {
        while (!started.load())
            std::this_thread::yield();
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        hart->set_interrupt(InterruptLine::MachineExternal, true);
    });
    started = true;
    // The trap handler spins on itself, so reaching it within the budget
    // shows the interrupt was noticed while running.
    u64 runs = 0;
    while (st().pc != kTrapHandler && runs < 2000) {
        step(1'000'000);
        ++runs;
    }
    device.join();
    EXPECT_EQ(st().pc, kTrapHandler);
    EXPECT_EQ(st().mcause, kInterrupt | 11);
}

TEST_F(InterruptTest, RequestStopEndsRunPromptly) {
    std::thread stopper([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        hart->request_stop();
    });
    const auto start = std::chrono::steady_clock::now();
    const Hart::StopReason why = step(~u64{0});
    const auto elapsed = std::chrono::steady_clock::now() - start;
    stopper.join();
    EXPECT_EQ(why, Hart::StopReason::StopRequested);
    EXPECT_LT(elapsed, std::chrono::seconds(5));
    // The request is consumed: the next run executes normally.
    EXPECT_EQ(step(10), Hart::StopReason::BudgetExhausted);
}

TEST_F(InterruptTest, StopRequestedBeforeRunIsHonoured) {
    hart->request_stop();
    EXPECT_EQ(step(10), Hart::StopReason::StopRequested);
    EXPECT_EQ(st().pc, kCode);
}

} // namespace
} // namespace kite::riscv::test
