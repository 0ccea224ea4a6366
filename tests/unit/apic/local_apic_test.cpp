#include "apic_test_util.h"
#include "devices/apic/local_apic.h"

#include <gtest/gtest.h>

namespace kite::devices {
namespace {

using test::CpuRecord;
using test::enable;
using test::FakeClock;
using test::fixed_to;

class LocalApicTest : public ::testing::Test {
protected:
    LocalApicConfig config(u32 id = 3, u64 tsc_hz = 0) {
        return {.apic_id = id, .bootstrap = true, .timer_hz = 1'000'000'000, .tsc_hz = tsc_hz, .now_ns = clock.fn()};
    }

    FakeClock clock;
    CpuRecord cpu;
};

// An ExtINT source standing in for the 8259.
struct FakePic final : ExtIntController {
    u8 acknowledge_interrupt() override {
        ++acks;
        return vector;
    }
    u8 vector{0x28};
    unsigned acks{0};
};

TEST_F(LocalApicTest, PowerUpState) {
    LocalApic apic(config(), test::record_into(cpu));
    EXPECT_EQ(apic.apic_base(), 0xFEE0'0000u | LocalApic::kBaseEnable | LocalApic::kBaseBsp);
    EXPECT_TRUE(apic.mmio_enabled());
    EXPECT_EQ(apic.read_register(LocalApic::kId), 3u << 24);
    EXPECT_EQ(apic.read_register(LocalApic::kVersion), 0x0105'0014u);
    EXPECT_EQ(apic.read_register(LocalApic::kSvr), 0xFFu);
    EXPECT_EQ(apic.read_register(LocalApic::kDfr), 0xFFFF'FFFFu);
    for (u32 lvt = LocalApic::kLvtTimer; lvt <= LocalApic::kLvtError; lvt += 0x10)
        EXPECT_EQ(apic.read_register(lvt), LocalApic::kLvtMasked) << lvt;
    EXPECT_FALSE(apic.software_enabled());
    EXPECT_FALSE(apic.interrupt_hint());
}

TEST_F(LocalApicTest, RegistersThroughMmio) {
    LocalApic apic(config(), test::record_into(cpu));
    test::write32(apic, LocalApic::kTpr, 0x1234'5678);
    EXPECT_EQ(test::read32(apic, LocalApic::kTpr), 0x78u); // TPR is 8 bits
    test::write32(apic, LocalApic::kLdr, 0xFFFF'FFFF);
    EXPECT_EQ(test::read32(apic, LocalApic::kLdr), 0xFF00'0000u);
    test::write32(apic, LocalApic::kDfr, 0);
    EXPECT_EQ(test::read32(apic, LocalApic::kDfr), 0x0FFF'FFFFu);
    test::write32(apic, LocalApic::kId, 0x0700'0000);
    EXPECT_EQ(apic.apic_id(), 7u);
    test::write32(apic, LocalApic::kVersion, 0); // read-only
    EXPECT_EQ(test::read32(apic, LocalApic::kVersion), LocalApic::kVersionValue);
    test::write32(apic, LocalApic::kSvr, 0xFFFF'FFFF);
    EXPECT_EQ(test::read32(apic, LocalApic::kSvr), 0x13FFu);
    test::write32(apic, LocalApic::kTimerDivide, 0xFF);
    EXPECT_EQ(test::read32(apic, LocalApic::kTimerDivide), 0xBu);
    test::write32(apic, LocalApic::kIcrHigh, 0xFFFF'FFFF);
    EXPECT_EQ(test::read32(apic, LocalApic::kIcrHigh), 0xFF00'0000u);
    // Not 4 bytes, or not 16-byte aligned: ignored and counted.
    EXPECT_EQ(test::read_n<8>(apic, LocalApic::kTpr), 0u);
    test::write32(apic, LocalApic::kTpr + 4, 0x55);
    EXPECT_EQ(test::read32(apic, LocalApic::kTpr), 0x78u);
    EXPECT_EQ(apic.ignored_access_count(), 2u);
}

TEST_F(LocalApicTest, LvtWritableBits) {
    LocalApic apic(config(), test::record_into(cpu));
    enable(apic);
    apic.write_register(LocalApic::kLvtTimer, 0xFFFF'FFFF);
    EXPECT_EQ(apic.read_register(LocalApic::kLvtTimer), 0x0007'00FFu); // mode 3 is reserved but stored
    apic.write_register(LocalApic::kLvtThermal, 0xFFFF'FFFF);
    EXPECT_EQ(apic.read_register(LocalApic::kLvtThermal), 0x0001'07FFu);
    apic.write_register(LocalApic::kLvtPerf, 0xFFFF'FFFF);
    EXPECT_EQ(apic.read_register(LocalApic::kLvtPerf), 0x0001'07FFu);
    apic.write_register(LocalApic::kLvtLint0, 0xFFFF'FFFF);
    EXPECT_EQ(apic.read_register(LocalApic::kLvtLint0), 0x0001'A7FFu);
    apic.write_register(LocalApic::kLvtError, 0xFFFF'FFFF);
    EXPECT_EQ(apic.read_register(LocalApic::kLvtError), 0x0001'00FFu);
}

TEST_F(LocalApicTest, FixedInterruptAcceptAcknowledgeEoi) {
    LocalApic apic(config(), test::record_into(cpu));
    EXPECT_FALSE(apic.receive(fixed_to(3, 0x40))) << "software-disabled APICs accept no fixed interrupts";
    enable(apic);
    EXPECT_TRUE(apic.receive(fixed_to(3, 0x40)));
    EXPECT_TRUE(apic.interrupt_hint());
    EXPECT_EQ(cpu.wakes, 1u);
    EXPECT_EQ(apic.read_register(LocalApic::kIrr + 0x20), 1u); // vector 0x40 = IRR word 2, bit 0
    EXPECT_EQ(apic.pending_vector(), 0x40);
    EXPECT_EQ(apic.acknowledge(), 0x40);
    EXPECT_FALSE(apic.interrupt_hint());
    EXPECT_EQ(apic.read_register(LocalApic::kIrr + 0x20), 0u);
    EXPECT_EQ(apic.read_register(LocalApic::kIsr + 0x20), 1u);
    EXPECT_EQ(apic.read_register(LocalApic::kPpr), 0x40u);
    apic.write_register(LocalApic::kEoi, 0);
    EXPECT_EQ(apic.read_register(LocalApic::kIsr + 0x20), 0u);
    EXPECT_EQ(apic.read_register(LocalApic::kPpr), 0u);
    // Nothing pending: the acknowledge cycle yields the spurious vector.
    EXPECT_EQ(apic.acknowledge(), 0xFF);
}

TEST_F(LocalApicTest, PriorityClassesAndTpr) {
    LocalApic apic(config(), test::record_into(cpu));
    enable(apic);
    apic.receive(fixed_to(3, 0x45));
    apic.receive(fixed_to(3, 0x41));
    EXPECT_EQ(apic.pending_vector(), 0x45); // highest vector first
    EXPECT_EQ(apic.read_register(LocalApic::kApr), 0x40u);
    EXPECT_EQ(apic.acknowledge(), 0x45);
    // 0x41 is in the same priority class as the in-service 0x45: held.
    EXPECT_EQ(apic.pending_vector(), std::nullopt);
    apic.receive(fixed_to(3, 0x51));
    EXPECT_EQ(apic.pending_vector(), 0x51); // a higher class nests
    EXPECT_EQ(apic.acknowledge(), 0x51);
    apic.eoi();
    apic.eoi();
    EXPECT_EQ(apic.pending_vector(), 0x41);
    apic.write_register(LocalApic::kTpr, 0x41);
    EXPECT_EQ(apic.read_register(LocalApic::kPpr), 0x41u);
    EXPECT_EQ(apic.pending_vector(), std::nullopt) << "TPR class 4 blocks class 4";
    EXPECT_FALSE(apic.interrupt_hint());
    apic.write_register(LocalApic::kTpr, 0x3F);
    EXPECT_EQ(apic.pending_vector(), 0x41);
    EXPECT_TRUE(apic.interrupt_hint());
    EXPECT_EQ(apic.read_register(LocalApic::kApr), 0x40u);
    apic.write_register(LocalApic::kTpr, 0x5A);
    EXPECT_EQ(apic.read_register(LocalApic::kApr), 0x5Au);
}

TEST_F(LocalApicTest, IllegalVectorsAndRegistersSetEsr) {
    LocalApic apic(config(), test::record_into(cpu));
    enable(apic);
    apic.write_register(LocalApic::kLvtError, 0xFE);
    EXPECT_FALSE(apic.receive(fixed_to(3, 0x0F)));
    EXPECT_EQ(apic.read_register(LocalApic::kEsr), 0u) << "ESR reads the errors latched by the last write";
    apic.write_register(LocalApic::kEsr, 0);
    EXPECT_EQ(apic.read_register(LocalApic::kEsr), LocalApic::kEsrReceiveIllegalVector);
    EXPECT_EQ(apic.pending_vector(), 0xFE) << "the error LVT delivers";
    apic.read_register(0x3A0); // reserved
    apic.write_register(LocalApic::kEsr, 0);
    EXPECT_EQ(apic.read_register(LocalApic::kEsr), LocalApic::kEsrIllegalRegister);
    apic.write_register(LocalApic::kEsr, 0);
    EXPECT_EQ(apic.read_register(LocalApic::kEsr), 0u);
}

TEST_F(LocalApicTest, LevelTriggeredEoiIsBroadcastUnlessSuppressed) {
    ApicBus bus;
    LocalApic apic(config(), test::record_into(cpu));
    bus.attach(apic);
    std::vector<u8> eois;
    bus.add_eoi_listener([&](u8 vector) { eois.push_back(vector); });
    enable(apic);
    apic.receive(fixed_to(3, 0x60, true));
    apic.receive(fixed_to(3, 0x50, false));
    EXPECT_EQ(apic.read_register(LocalApic::kTmr + 0x30), 1u);
    EXPECT_EQ(apic.acknowledge(), 0x60);
    apic.eoi();
    EXPECT_EQ(eois, std::vector<u8>{0x60});
    EXPECT_EQ(apic.acknowledge(), 0x50);
    apic.eoi(); // edge: no broadcast
    EXPECT_EQ(eois.size(), 1u);
    apic.write_register(LocalApic::kSvr, 0x1FF | LocalApic::kSvrSuppressEoiBroadcast);
    apic.receive(fixed_to(3, 0x60, true));
    apic.acknowledge();
    apic.eoi();
    EXPECT_EQ(eois.size(), 1u);
}

TEST_F(LocalApicTest, SoftwareDisableMasksLvts) {
    LocalApic apic(config(), test::record_into(cpu));
    apic.write_register(LocalApic::kLvtLint0, 0x700);
    EXPECT_EQ(apic.read_register(LocalApic::kLvtLint0), 0x0001'0700u) << "stays masked while disabled";
    enable(apic);
    apic.write_register(LocalApic::kLvtLint0, 0x700);
    EXPECT_EQ(apic.read_register(LocalApic::kLvtLint0), 0x700u);
    apic.write_register(LocalApic::kSvr, 0xFF);
    EXPECT_EQ(apic.read_register(LocalApic::kLvtLint0), 0x0001'0700u);
}

TEST_F(LocalApicTest, ExtIntThroughLint0AsksThePic) {
    LocalApic apic(config(), test::record_into(cpu));
    FakePic pic;
    apic.set_extint_controller(&pic);
    enable(apic);
    apic.write_register(LocalApic::kLvtLint0, 0x700); // ExtINT, unmasked
    apic.set_lint(0, true);
    EXPECT_TRUE(apic.extint_pending());
    EXPECT_TRUE(apic.interrupt_hint());
    EXPECT_EQ(cpu.wakes, 1u);
    EXPECT_EQ(apic.acknowledge(), 0x28);
    EXPECT_EQ(pic.acks, 1u);
    EXPECT_EQ(apic.read_register(LocalApic::kIsr + 0x10), 0u) << "ExtINT bypasses IRR and ISR";
    apic.set_lint(0, false);
    EXPECT_FALSE(apic.extint_pending());
    EXPECT_FALSE(apic.interrupt_hint());
    // An ExtINT message (from the IOAPIC) is also answered by the PIC.
    ApicMessage message = fixed_to(3, 0);
    message.delivery = DeliveryMode::extint;
    EXPECT_TRUE(apic.receive(message));
    EXPECT_TRUE(apic.extint_pending());
    EXPECT_EQ(apic.acknowledge(), 0x28);
    EXPECT_FALSE(apic.extint_pending());
}

TEST_F(LocalApicTest, Lint1NmiOnRisingEdges) {
    LocalApic apic(config(), test::record_into(cpu));
    enable(apic);
    apic.write_register(LocalApic::kLvtLint1, 0x400); // NMI
    apic.set_lint(1, true);
    EXPECT_TRUE(apic.interrupt_hint());
    apic.set_lint(1, true); // no new edge
    EXPECT_TRUE(apic.take_nmi());
    EXPECT_FALSE(apic.take_nmi());
    EXPECT_FALSE(apic.interrupt_hint());
    apic.set_lint(1, false);
    apic.set_lint(1, true);
    EXPECT_TRUE(apic.take_nmi());
    // Active low: the falling edge asserts.
    apic.write_register(LocalApic::kLvtLint1, 0x400 | LocalApic::kLvtActiveLow);
    apic.set_lint(1, false);
    EXPECT_TRUE(apic.take_nmi());
}

TEST_F(LocalApicTest, EveryArrivalWakesTheCpu) {
    LocalApic apic(config(), test::record_into(cpu));
    enable(apic);
    apic.receive(fixed_to(3, 0x40));
    EXPECT_EQ(cpu.wakes, 1u);
    // The hint is already up (a vCPU halted with IF clear ignores 0x40), but an
    // NMI must still wake it.
    ApicMessage nmi = fixed_to(3, 0);
    nmi.delivery = DeliveryMode::nmi;
    apic.receive(nmi);
    EXPECT_EQ(cpu.wakes, 2u);
    apic.write_register(LocalApic::kTpr, 0x10); // no arrival, no rise
    EXPECT_EQ(cpu.wakes, 2u);
}

TEST_F(LocalApicTest, Lint0LevelTriggeredFixedUsesRemoteIrr) {
    LocalApic apic(config(), test::record_into(cpu));
    enable(apic);
    apic.write_register(LocalApic::kLvtLint0, 0x30 | LocalApic::kLvtLevelTriggered);
    apic.set_lint(0, true);
    EXPECT_NE(apic.read_register(LocalApic::kLvtLint0) & LocalApic::kLvtRemoteIrr, 0u);
    EXPECT_EQ(apic.acknowledge(), 0x30);
    apic.eoi(); // still asserted: delivered again
    EXPECT_EQ(apic.pending_vector(), 0x30);
    EXPECT_EQ(apic.acknowledge(), 0x30);
    apic.set_lint(0, false);
    apic.eoi();
    EXPECT_EQ(apic.read_register(LocalApic::kLvtLint0) & LocalApic::kLvtRemoteIrr, 0u);
    EXPECT_EQ(apic.pending_vector(), std::nullopt);
}

TEST_F(LocalApicTest, HardwareDisabledPassesLintThrough) {
    LocalApic apic(config(), test::record_into(cpu));
    FakePic pic;
    apic.set_extint_controller(&pic);
    enable(apic);
    apic.receive(fixed_to(3, 0x40));
    ASSERT_TRUE(apic.set_apic_base(LocalApic::kDefaultBase)); // global enable off
    EXPECT_FALSE(apic.mmio_enabled());
    EXPECT_EQ(test::read32(apic, LocalApic::kVersion), 0xFFFF'FFFFu);
    EXPECT_EQ(apic.pending_vector(), std::nullopt) << "disabling resets IRR";
    EXPECT_FALSE(apic.receive(fixed_to(3, 0x40)));
    apic.set_lint(0, true); // INTR
    EXPECT_TRUE(apic.extint_pending());
    EXPECT_EQ(apic.acknowledge(), 0x28);
    apic.set_lint(1, true); // NMI
    EXPECT_TRUE(apic.take_nmi());
    // Re-enabled: back to the power-up state (software-disabled, LVTs masked).
    ASSERT_TRUE(apic.set_apic_base(LocalApic::kDefaultBase | LocalApic::kBaseEnable));
    EXPECT_FALSE(apic.extint_pending());
    EXPECT_EQ(apic.read_register(LocalApic::kSvr), 0xFFu);
}

TEST_F(LocalApicTest, InitAndStartupGoToTheCpu) {
    LocalApic apic(config(), test::record_into(cpu));
    ApicMessage init = fixed_to(3, 0);
    init.delivery = DeliveryMode::init;
    EXPECT_TRUE(apic.receive(init)); // accepted even while software-disabled
    EXPECT_EQ(cpu.inits, 1u);
    init.level_triggered = true;
    init.assert_level = false; // de-assert: nothing happens
    apic.receive(init);
    EXPECT_EQ(cpu.inits, 1u);
    ApicMessage sipi = fixed_to(3, 0x9A);
    sipi.delivery = DeliveryMode::startup;
    apic.receive(sipi);
    EXPECT_EQ(cpu.startups, std::vector<u8>{0x9A});
    // What the CPU does on INIT: the registers reset, the ID stays.
    apic.write_register(LocalApic::kId, 9u << 24);
    enable(apic);
    apic.write_register(LocalApic::kTpr, 0x20);
    apic.init_reset();
    EXPECT_EQ(apic.apic_id(), 9u);
    EXPECT_EQ(apic.read_register(LocalApic::kTpr), 0u);
    EXPECT_FALSE(apic.software_enabled());
}

TEST_F(LocalApicTest, OneShotTimer) {
    LocalApic apic(config(), test::record_into(cpu));
    enable(apic);
    apic.write_register(LocalApic::kTimerDivide, 0x3); // divide by 16
    apic.write_register(LocalApic::kLvtTimer, 0x30);
    apic.write_register(LocalApic::kTimerInitial, 1000); // 16 us at 1 GHz / 16
    EXPECT_EQ(apic.next_deadline_ns(), clock.now + 16'000);
    EXPECT_EQ(apic.read_register(LocalApic::kTimerCurrent), 1000u);
    clock.now += 1600;
    EXPECT_EQ(apic.read_register(LocalApic::kTimerCurrent), 900u);
    apic.update();
    EXPECT_EQ(apic.pending_vector(), std::nullopt);
    clock.now += 14'400;
    EXPECT_EQ(apic.read_register(LocalApic::kTimerCurrent), 0u);
    apic.update();
    EXPECT_EQ(apic.pending_vector(), 0x30);
    EXPECT_EQ(cpu.wakes, 1u);
    EXPECT_EQ(apic.next_deadline_ns(), std::nullopt);
    clock.now += 1'000'000;
    apic.acknowledge();
    apic.update();
    EXPECT_EQ(apic.pending_vector(), std::nullopt) << "one shot";
    // Writing 0 stops a running timer.
    apic.write_register(LocalApic::kTimerInitial, 50);
    apic.write_register(LocalApic::kTimerInitial, 0);
    EXPECT_EQ(apic.next_deadline_ns(), std::nullopt);
}

TEST_F(LocalApicTest, TimerDivideValues) {
    LocalApic apic(config(), test::record_into(cpu));
    enable(apic);
    apic.write_register(LocalApic::kLvtTimer, 0x30);
    const std::pair<u32, u64> cases[] = {{0x0, 2}, {0x1, 4}, {0x2, 8}, {0x3, 16}, {0x8, 32}, {0x9, 64}, {0xA, 128}, {0xB, 1}};
    for (auto [dcr, divisor] : cases) {
        apic.write_register(LocalApic::kTimerDivide, dcr);
        apic.write_register(LocalApic::kTimerInitial, 100);
        EXPECT_EQ(apic.next_deadline_ns(), clock.now + 100 * divisor) << dcr;
    }
    // Changing the divider mid-count keeps the count and changes the rate.
    apic.write_register(LocalApic::kTimerDivide, 0xB);
    apic.write_register(LocalApic::kTimerInitial, 100);
    clock.now += 40;
    apic.write_register(LocalApic::kTimerDivide, 0x0);
    EXPECT_EQ(apic.read_register(LocalApic::kTimerCurrent), 60u);
    EXPECT_EQ(apic.next_deadline_ns(), clock.now + 120);
}

TEST_F(LocalApicTest, PeriodicTimerRearmsAndCollapsesMissedPeriods) {
    LocalApic apic(config(), test::record_into(cpu));
    enable(apic);
    apic.write_register(LocalApic::kTimerDivide, 0xB); // divide by 1
    apic.write_register(LocalApic::kLvtTimer, 0x31 | LocalApic::kTimerPeriodic);
    apic.write_register(LocalApic::kTimerInitial, 1'000'000); // 1 ms
    u64 start = clock.now;
    clock.now = start + 1'000'000;
    apic.update();
    EXPECT_EQ(apic.acknowledge(), 0x31);
    apic.eoi();
    EXPECT_EQ(apic.next_deadline_ns(), start + 2'000'000);
    clock.now = start + 1'250'000;
    EXPECT_EQ(apic.read_register(LocalApic::kTimerCurrent), 750'000u) << "the count reloads each period";
    clock.now = start + 5'500'000; // four periods late: one interrupt
    apic.update();
    EXPECT_EQ(apic.acknowledge(), 0x31);
    apic.eoi();
    EXPECT_EQ(apic.pending_vector(), std::nullopt);
    EXPECT_EQ(apic.next_deadline_ns(), start + 6'000'000);
    // A masked timer keeps counting but does not interrupt.
    apic.write_register(LocalApic::kLvtTimer, 0x31 | LocalApic::kTimerPeriodic | LocalApic::kLvtMasked);
    clock.now = start + 6'000'000;
    apic.update();
    EXPECT_EQ(apic.pending_vector(), std::nullopt);
    EXPECT_EQ(apic.next_deadline_ns(), start + 7'000'000);
    // A mode change disarms it.
    apic.write_register(LocalApic::kLvtTimer, 0x31);
    EXPECT_EQ(apic.next_deadline_ns(), std::nullopt);
    EXPECT_EQ(apic.read_register(LocalApic::kTimerInitial), 0u);
}

TEST_F(LocalApicTest, PeriodicTimerHasAMinimumPeriod) {
    LocalApic apic(config(), test::record_into(cpu));
    enable(apic);
    apic.write_register(LocalApic::kTimerDivide, 0xB);
    apic.write_register(LocalApic::kLvtTimer, 0x31 | LocalApic::kTimerPeriodic);
    apic.write_register(LocalApic::kTimerInitial, 1);
    EXPECT_EQ(apic.next_deadline_ns(), clock.now + LocalApic::kMinPeriodNs);
}

TEST_F(LocalApicTest, TscDeadlineTimer) {
    LocalApic apic(config(3, 2'000'000'000), test::record_into(cpu)); // 2 GHz TSC
    enable(apic);
    EXPECT_EQ(apic.tsc(), 0u);
    ASSERT_TRUE(apic.write_msr(LocalApic::kMsrTscDeadline, 5000)); // ignored outside TSC-deadline mode
    EXPECT_EQ(apic.read_msr(LocalApic::kMsrTscDeadline), 0u);
    EXPECT_EQ(apic.next_deadline_ns(), std::nullopt);
    apic.write_register(LocalApic::kLvtTimer, 0x32 | LocalApic::kTimerTscDeadline);
    apic.write_register(LocalApic::kTimerInitial, 100); // ignored in TSC-deadline mode
    EXPECT_EQ(apic.read_register(LocalApic::kTimerInitial), 0u);
    u64 start = clock.now;
    ASSERT_TRUE(apic.write_msr(LocalApic::kMsrTscDeadline, 5000));
    EXPECT_EQ(apic.read_msr(LocalApic::kMsrTscDeadline), 5000u);
    EXPECT_EQ(apic.next_deadline_ns(), start + 2500);
    clock.now = start + 2499;
    apic.update();
    EXPECT_EQ(apic.pending_vector(), std::nullopt);
    clock.now = start + 2500;
    EXPECT_EQ(apic.tsc(), 5000u);
    apic.update();
    EXPECT_EQ(apic.pending_vector(), 0x32);
    EXPECT_EQ(apic.read_msr(LocalApic::kMsrTscDeadline), 0u) << "disarmed once fired";
    EXPECT_EQ(apic.next_deadline_ns(), std::nullopt);
    // A deadline in the past fires at the next update; the TSC offset moves the TSC.
    apic.set_tsc_offset(1'000'000);
    EXPECT_EQ(apic.tsc(), 1'005'000u);
    apic.acknowledge();
    apic.eoi();
    apic.write_msr(LocalApic::kMsrTscDeadline, 1);
    EXPECT_EQ(apic.next_deadline_ns(), clock.now);
    apic.update();
    EXPECT_EQ(apic.pending_vector(), 0x32);
    // Leaving TSC-deadline mode disarms it.
    apic.write_msr(LocalApic::kMsrTscDeadline, 2'000'000);
    apic.write_register(LocalApic::kLvtTimer, 0x32);
    apic.write_register(LocalApic::kLvtTimer, 0x32 | LocalApic::kTimerTscDeadline);
    EXPECT_EQ(apic.read_msr(LocalApic::kMsrTscDeadline), 0u);
}

TEST_F(LocalApicTest, NoTscDeadlineModeWithoutATscFrequency) {
    LocalApic apic(config(), test::record_into(cpu));
    enable(apic);
    apic.write_register(LocalApic::kLvtTimer, 0x32 | LocalApic::kTimerTscDeadline);
    EXPECT_EQ(apic.read_register(LocalApic::kLvtTimer), 0x32u);
    EXPECT_EQ(apic.read_msr(LocalApic::kMsrTscDeadline), std::nullopt);
    EXPECT_FALSE(apic.write_msr(LocalApic::kMsrTscDeadline, 1));
}

TEST_F(LocalApicTest, ApicBaseTransitions) {
    LocalApic apic(config(), test::record_into(cpu));
    const u64 xapic = LocalApic::kDefaultBase | LocalApic::kBaseEnable;
    const u64 x2apic = xapic | LocalApic::kBaseX2apic;
    EXPECT_FALSE(apic.write_msr(LocalApic::kMsrApicBase, xapic | 1)) << "reserved bit";
    EXPECT_FALSE(apic.write_msr(LocalApic::kMsrApicBase, LocalApic::kDefaultBase | LocalApic::kBaseX2apic));
    ASSERT_TRUE(apic.write_msr(LocalApic::kMsrApicBase, 0xFED0'0000 | LocalApic::kBaseEnable));
    EXPECT_EQ(apic.mmio_base(), 0xFED0'0000u);
    EXPECT_EQ(apic.read_msr(LocalApic::kMsrApicBase), 0xFED0'0000u | LocalApic::kBaseEnable | LocalApic::kBaseBsp);
    ASSERT_TRUE(apic.write_msr(LocalApic::kMsrApicBase, x2apic));
    EXPECT_TRUE(apic.x2apic_mode());
    EXPECT_FALSE(apic.mmio_enabled());
    EXPECT_FALSE(apic.write_msr(LocalApic::kMsrApicBase, xapic)) << "x2APIC -> xAPIC";
    ASSERT_TRUE(apic.write_msr(LocalApic::kMsrApicBase, LocalApic::kDefaultBase));
    EXPECT_FALSE(apic.write_msr(LocalApic::kMsrApicBase, x2apic)) << "disabled -> x2APIC";
    EXPECT_TRUE(apic.write_msr(LocalApic::kMsrApicBase, xapic));
}

TEST_F(LocalApicTest, X2apicRegistersByMsr) {
    LocalApic apic(config(0x123), test::record_into(cpu));
    EXPECT_EQ(apic.read_msr(0x802), std::nullopt) << "x2APIC MSRs fault in xAPIC mode";
    ASSERT_TRUE(apic.set_apic_base(LocalApic::kDefaultBase | LocalApic::kBaseEnable | LocalApic::kBaseX2apic));
    EXPECT_EQ(apic.read_msr(0x802), 0x123u);
    EXPECT_EQ(apic.read_msr(0x803), LocalApic::kVersionValue);
    EXPECT_EQ(apic.read_msr(0x80D), (0x12u << 16) | (1u << 3)) << "LDR: cluster 0x12, bit 3";
    EXPECT_FALSE(apic.write_msr(0x80D, 0)) << "LDR is read-only";
    EXPECT_FALSE(apic.write_msr(0x802, 0)) << "ID is read-only";
    EXPECT_EQ(apic.read_msr(0x80E), std::nullopt) << "no DFR";
    EXPECT_EQ(apic.read_msr(0x831), std::nullopt) << "no ICR high";
    EXPECT_EQ(apic.read_msr(0x80B), std::nullopt) << "EOI is write-only";
    ASSERT_TRUE(apic.write_msr(0x80F, 0x1FF));
    EXPECT_TRUE(apic.software_enabled());
    ASSERT_TRUE(apic.write_msr(0x808, 0x20));
    EXPECT_EQ(apic.read_msr(0x808), 0x20u);
    EXPECT_FALSE(apic.write_msr(0x808, 1ull << 32)) << "reserved upper half";
    // Self IPI.
    ApicBus bus;
    bus.attach(apic);
    ASSERT_TRUE(apic.write_msr(0x83F, 0x55));
    EXPECT_EQ(apic.pending_vector(), 0x55);
    EXPECT_EQ(apic.acknowledge(), 0x55);
    EXPECT_FALSE(apic.write_msr(0x80B, 1)) << "a non-zero EOI faults";
    ASSERT_TRUE(apic.write_msr(0x80B, 0));
    EXPECT_EQ(apic.read_msr(0x810 + 2), 0u);
    // The 64-bit ICR, with a 32-bit destination.
    ASSERT_TRUE(apic.write_msr(0x830, (0x123ull << 32) | 0x66));
    EXPECT_EQ(apic.read_msr(0x830), (0x123ull << 32) | 0x66);
    EXPECT_EQ(apic.pending_vector(), 0x66);
    // Timer registers are the same as xAPIC's.
    ASSERT_TRUE(apic.write_msr(0x83E, 0xB));
    ASSERT_TRUE(apic.write_msr(0x832, 0x40));
    ASSERT_TRUE(apic.write_msr(0x838, 500));
    clock.now += 100;
    EXPECT_EQ(apic.read_msr(0x839), 400u);
    EXPECT_FALSE(apic.write_msr(0x839, 0)) << "current count is read-only";
}

} // namespace
} // namespace kite::devices
