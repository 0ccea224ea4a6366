#include "apic_test_util.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>

namespace kite::devices {
namespace {

// vCPU threads send IPIs to each other and take their interrupts while a
// device thread toggles level-triggered IOAPIC pins and writes MSIs: no lock
// order problem may deadlock it, and afterwards nothing is stuck (no remote
// IRR without an interrupt behind it).
TEST(ApicThreadsTest, IpisPinsAndMsisFromManyThreads) {
    constexpr u32 kCpus = 4;
    constexpr u32 kPinsUsed = 8;
    constexpr int kRounds = 2000;
    test::FakeClock clock;
    std::atomic<unsigned> wakes{0};
    ApicBus bus;
    std::vector<std::unique_ptr<LocalApic>> apics;
    for (u32 id = 0; id < kCpus; ++id) {
        apics.push_back(std::make_unique<LocalApic>(LocalApicConfig{.apic_id = id, .now_ns = clock.fn()},
                                                    LocalApicCallbacks{.wake = [&wakes] { ++wakes; }}));
        bus.attach(*apics.back());
        test::enable(*apics.back());
    }
    Ioapic ioapic(bus);
    bus.add_eoi_listener([&ioapic](u8 vector) { ioapic.end_of_interrupt(vector); });
    for (u32 pin = 0; pin < kPinsUsed; ++pin)
        test::program(ioapic, pin, (u64{pin % kCpus} << 56) | Ioapic::kLevelTriggered | (0x50 + pin));

    std::atomic<bool> devices_done{false};
    auto drain = [](LocalApic& apic) {
        while (apic.pending_vector()) {
            apic.acknowledge();
            apic.eoi();
        }
    };
    std::vector<std::thread> threads;
    for (u32 id = 0; id < kCpus; ++id) {
        threads.emplace_back([&, id] {
            LocalApic& apic = *apics[id];
            for (int round = 0; round < kRounds; ++round) {
                apic.write_register(LocalApic::kIcrLow, (0x80 + id) | (3u << 18)); // all excluding self
                drain(apic);
            }
            while (!devices_done.load())
                drain(apic);
            drain(apic);
        });
    }
    std::thread device([&] {
        for (int round = 0; round < kRounds; ++round) {
            u32 pin = static_cast<u32>(round) % kPinsUsed;
            ioapic.set_irq(pin, true);
            bus.send_msi(0xFEE0'0000 | ((round % kCpus) << 12), 0x90);
            ioapic.set_irq(pin, false);
        }
        devices_done.store(true);
    });
    device.join();
    for (auto& thread : threads)
        thread.join();

    for (auto& apic : apics)
        drain(*apic);
    for (u32 pin = 0; pin < kPinsUsed; ++pin)
        EXPECT_EQ(ioapic.redirection_entry(pin) & Ioapic::kRemoteIrr, 0u) << pin;
    for (auto& apic : apics) {
        EXPECT_FALSE(apic->interrupt_hint());
        EXPECT_EQ(apic->read_register(LocalApic::kPpr), 0u);
    }
    EXPECT_GT(wakes.load(), 0u);
}

} // namespace
} // namespace kite::devices
