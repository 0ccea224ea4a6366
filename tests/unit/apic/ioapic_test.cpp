#include "apic_test_util.h"
#include "devices/apic/ioapic.h"

#include <gtest/gtest.h>

namespace kite::devices {
namespace {

using test::program;
using test::read32;
using test::read_indirect;
using test::write32;
using test::write_indirect;

TEST(IoapicTest, IdVersionArbitration) {
    test::RecordingSink sink;
    Ioapic ioapic(sink);
    EXPECT_EQ(read_indirect(ioapic, Ioapic::kRegVersion), 0x0017'0020u);
    write_indirect(ioapic, Ioapic::kRegId, 0xFFFF'FFFF);
    EXPECT_EQ(read_indirect(ioapic, Ioapic::kRegId), 0x0F00'0000u);
    EXPECT_EQ(read_indirect(ioapic, Ioapic::kRegArbitration), 0x0F00'0000u);
    write_indirect(ioapic, Ioapic::kRegVersion, 0); // read-only
    EXPECT_EQ(read_indirect(ioapic, Ioapic::kRegVersion), 0x0017'0020u);
    EXPECT_EQ(read32(ioapic, Ioapic::kRegSel), Ioapic::kRegVersion);
    EXPECT_EQ(read_indirect(ioapic, 0x03), 0u) << "reserved";
    EXPECT_EQ(read_indirect(ioapic, 0x40), 0u) << "beyond the last entry";
}

TEST(IoapicTest, RedirectionEntriesResetMaskedAndKeepReadOnlyBits) {
    test::RecordingSink sink;
    Ioapic ioapic(sink);
    for (u32 pin = 0; pin < Ioapic::kPins; ++pin) {
        EXPECT_EQ(read_indirect(ioapic, Ioapic::kRegRedirection + 2 * pin), 0x0001'0000u) << pin;
        EXPECT_EQ(read_indirect(ioapic, Ioapic::kRegRedirection + 2 * pin + 1), 0u) << pin;
    }
    program(ioapic, 5, 0xFFFF'FFFF'FFFF'FFFFull);
    // Delivery status (12) and remote IRR (14) are read-only; only 63:56 of the high half.
    EXPECT_EQ(ioapic.redirection_entry(5), 0xFF00'0000'0001'AFFFull);
}

TEST(IoapicTest, EdgeTriggeredPinSendsOnAssertingEdges) {
    test::RecordingSink sink;
    Ioapic ioapic(sink);
    program(ioapic, 4, (0x02ull << 56) | Ioapic::kLogical | (1u << 8) | 0x34); // lowest priority, logical 2
    ioapic.set_irq(4, true);
    ASSERT_EQ(sink.sent.size(), 1u);
    const ApicMessage& message = sink.sent[0];
    EXPECT_EQ(message.vector, 0x34);
    EXPECT_EQ(message.delivery, DeliveryMode::lowest_priority);
    EXPECT_TRUE(message.logical);
    EXPECT_FALSE(message.level_triggered);
    EXPECT_EQ(message.destination, 2u);
    ioapic.set_irq(4, true); // no edge
    ioapic.set_irq(4, false);
    EXPECT_EQ(sink.sent.size(), 1u);
    ioapic.set_irq(4, true);
    EXPECT_EQ(sink.sent.size(), 2u);
    EXPECT_EQ(ioapic.redirection_entry(4) & Ioapic::kRemoteIrr, 0u);
    // Edges on a masked pin are lost, not held.
    ioapic.set_irq(4, false);
    program(ioapic, 4, Ioapic::kMasked | 0x34);
    ioapic.set_irq(4, true);
    program(ioapic, 4, 0x34);
    EXPECT_EQ(sink.sent.size(), 2u);
}

TEST(IoapicTest, LevelTriggeredPinWaitsForEoi) {
    test::RecordingSink sink;
    Ioapic ioapic(sink);
    program(ioapic, 9, Ioapic::kLevelTriggered | 0x49);
    ioapic.set_irq(9, true);
    ASSERT_EQ(sink.sent.size(), 1u);
    EXPECT_TRUE(sink.sent[0].level_triggered);
    EXPECT_NE(ioapic.redirection_entry(9) & Ioapic::kRemoteIrr, 0u);
    ioapic.set_irq(9, true);
    EXPECT_EQ(sink.sent.size(), 1u) << "remote IRR holds it";
    ioapic.end_of_interrupt(0x48); // another vector
    EXPECT_EQ(sink.sent.size(), 1u);
    ioapic.end_of_interrupt(0x49); // still asserted: sent again
    EXPECT_EQ(sink.sent.size(), 2u);
    ioapic.set_irq(9, false);
    write32(ioapic, Ioapic::kEoi, 0x49); // the version-0x20 EOI register
    EXPECT_EQ(ioapic.redirection_entry(9) & Ioapic::kRemoteIrr, 0u);
    EXPECT_EQ(sink.sent.size(), 2u);
}

TEST(IoapicTest, UnmaskingAnAssertedLevelPinDelivers) {
    test::RecordingSink sink;
    Ioapic ioapic(sink);
    program(ioapic, 1, Ioapic::kMasked | Ioapic::kLevelTriggered | 0x31);
    ioapic.set_irq(1, true);
    EXPECT_TRUE(sink.sent.empty());
    program(ioapic, 1, Ioapic::kLevelTriggered | 0x31);
    EXPECT_EQ(sink.sent.size(), 1u);
}

TEST(IoapicTest, ActiveLowPolarity) {
    test::RecordingSink sink;
    Ioapic ioapic(sink);
    ioapic.set_irq(11, true); // idle-high line (masked meanwhile)
    program(ioapic, 11, Ioapic::kActiveLow | Ioapic::kLevelTriggered | 0x3B);
    EXPECT_TRUE(sink.sent.empty());
    ioapic.set_irq(11, false);
    EXPECT_EQ(sink.sent.size(), 1u);
}

TEST(IoapicTest, RemoteIrrStaysClearWhenNobodyAccepts) {
    test::RecordingSink sink;
    sink.accept = 0;
    Ioapic ioapic(sink);
    program(ioapic, 2, Ioapic::kLevelTriggered | 0x32);
    ioapic.set_irq(2, true);
    EXPECT_EQ(sink.sent.size(), 1u);
    EXPECT_EQ(ioapic.redirection_entry(2) & Ioapic::kRemoteIrr, 0u);
}

TEST(IoapicTest, NmiPinIsNotEoiTracked) {
    test::RecordingSink sink;
    Ioapic ioapic(sink);
    program(ioapic, 3, Ioapic::kLevelTriggered | (4u << 8));
    ioapic.set_irq(3, true);
    ASSERT_EQ(sink.sent.size(), 1u);
    EXPECT_EQ(sink.sent[0].delivery, DeliveryMode::nmi);
    EXPECT_FALSE(sink.sent[0].level_triggered);
    EXPECT_EQ(ioapic.redirection_entry(3) & Ioapic::kRemoteIrr, 0u);
}

TEST(IoapicTest, IrqLinesAndBadAccesses) {
    test::RecordingSink sink;
    Ioapic ioapic(sink);
    program(ioapic, 7, 0x37);
    ioapic.irq_line(7)->set_level(true);
    EXPECT_EQ(sink.sent.size(), 1u);
    EXPECT_EQ(ioapic.irq_line(7), ioapic.irq_line(7));
    EXPECT_EQ(ioapic.irq_line(Ioapic::kPins), nullptr);
    ioapic.set_irq(Ioapic::kPins, true); // ignored
    EXPECT_EQ(test::read_n<8>(ioapic, Ioapic::kWindow), 0u);
    EXPECT_EQ(read32(ioapic, Ioapic::kEoi), 0u) << "write-only";
    write32(ioapic, 0x20, 1);
    EXPECT_EQ(ioapic.ignored_access_count(), 3u);
}

TEST(IoapicTest, DetachedLinesDoNothing) {
    test::RecordingSink sink;
    std::shared_ptr<IrqLine> line;
    {
        Ioapic ioapic(sink);
        program(ioapic, 0, 0x30);
        line = ioapic.irq_line(0);
    }
    line->set_level(true);
    EXPECT_TRUE(sink.sent.empty());
}

// The whole path: a level-triggered IOAPIC pin, the bus, a local APIC, its EOI
// broadcast back to the IOAPIC.
TEST(IoapicTest, LevelInterruptThroughTheBusToALocalApic) {
    test::FakeClock clock;
    test::CpuRecord cpu;
    ApicBus bus;
    LocalApic apic({.apic_id = 1, .now_ns = clock.fn()}, test::record_into(cpu));
    bus.attach(apic);
    Ioapic ioapic(bus);
    bus.add_eoi_listener([&ioapic](u8 vector) { ioapic.end_of_interrupt(vector); });
    test::enable(apic);
    program(ioapic, 10, (1ull << 56) | Ioapic::kLevelTriggered | 0x5A);
    ioapic.set_irq(10, true);
    EXPECT_TRUE(apic.interrupt_hint());
    EXPECT_EQ(apic.acknowledge(), 0x5A);
    ioapic.set_irq(10, false); // the driver quiets the device before its EOI
    apic.eoi();
    EXPECT_EQ(ioapic.redirection_entry(10) & Ioapic::kRemoteIrr, 0u);
    EXPECT_EQ(apic.pending_vector(), std::nullopt);
    ioapic.set_irq(10, true);
    EXPECT_EQ(apic.acknowledge(), 0x5A);
    apic.eoi(); // still asserted: it comes back
    EXPECT_EQ(apic.pending_vector(), 0x5A);
}

// Virtual-wire mode through the IOAPIC: pin 0 in ExtINT mode makes the local
// APIC ask the PIC for the vector.
TEST(IoapicTest, ExtIntPinAsksThePicThroughTheLocalApic) {
    struct Pic final : ExtIntController {
        u8 acknowledge_interrupt() override { return 0x20; }
    } pic;
    test::FakeClock clock;
    test::CpuRecord cpu;
    ApicBus bus;
    LocalApic apic({.apic_id = 0, .now_ns = clock.fn()}, test::record_into(cpu));
    apic.set_extint_controller(&pic);
    bus.attach(apic);
    Ioapic ioapic(bus);
    test::enable(apic);
    program(ioapic, 0, 7u << 8); // ExtINT, physical destination 0
    ioapic.set_irq(0, true);
    EXPECT_TRUE(apic.extint_pending());
    EXPECT_EQ(cpu.wakes, 1u);
    EXPECT_EQ(apic.acknowledge(), 0x20);
    EXPECT_FALSE(apic.extint_pending());
}

} // namespace
} // namespace kite::devices
