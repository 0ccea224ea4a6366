#include "devices/i8259/i8259.h"

#include <array>
#include <gtest/gtest.h>

using namespace kite;
using namespace kite::devices;

namespace {

constexpr unsigned kMaster = 0;
constexpr unsigned kSlave = 1;
constexpr u8 kMasterBase = 0x30;
constexpr u8 kSlaveBase = 0x38;

class PicTest : public ::testing::Test {
protected:
    PicTest() : intr(std::make_shared<RecordingIrqLine>()), pic(std::make_shared<Pic8259Pair>(intr)) {}

    // The sequence Linux's init_8259A() writes: edge, cascade, ICW4 (8086 mode).
    void init(u8 master_icw4 = 0x01, u8 slave_icw4 = 0x01) {
        pic->write(kMaster, false, 0x11);
        pic->write(kMaster, true, kMasterBase);
        pic->write(kMaster, true, 0x04); // slave on IR2
        pic->write(kMaster, true, master_icw4);
        pic->write(kSlave, false, 0x11);
        pic->write(kSlave, true, kSlaveBase);
        pic->write(kSlave, true, 0x02); // cascade identity 2
        pic->write(kSlave, true, slave_icw4);
    }
    void eoi(unsigned chip) { pic->write(chip, false, 0x20); }
    u8 read_isr(unsigned chip) {
        pic->write(chip, false, 0x0B);
        u8 v = pic->read(chip, false);
        pic->write(chip, false, 0x0A);
        return v;
    }
    void pulse(unsigned irq) {
        pic->set_irq(irq, true);
        pic->set_irq(irq, false);
    }

    std::shared_ptr<RecordingIrqLine> intr;
    std::shared_ptr<Pic8259Pair> pic;
};

} // namespace

TEST_F(PicTest, InitialisationSetsVectorBasesAndClearsTheMask) {
    pic->write(kMaster, true, 0xFF); // OCW1 before ICW1
    init();
    EXPECT_EQ(pic->read(kMaster, true), 0x00); // ICW1 cleared the mask
    EXPECT_EQ(pic->chip(kMaster).vector_base(), kMasterBase);
    EXPECT_EQ(pic->chip(kSlave).vector_base(), kSlaveBase);
    pic->write(kMaster, true, 0xFB); // OCW1 after the ICWs
    EXPECT_EQ(pic->read(kMaster, true), 0xFB);
    EXPECT_EQ(pic->read(kSlave, true), 0x00);
}

TEST_F(PicTest, SingleModeWithoutIcw4SkipsIcw3AndIcw4) {
    pic->write(kMaster, false, 0x12); // single, no ICW4
    pic->write(kMaster, true, 0x47);  // ICW2: low three bits ignored
    pic->write(kMaster, true, 0x5A);  // already OCW1
    EXPECT_EQ(pic->chip(kMaster).vector_base(), 0x40);
    EXPECT_EQ(pic->read(kMaster, true), 0x5A);
}

TEST_F(PicTest, EdgeRequestIsAcknowledgedWithItsVectorAndEnded) {
    init();
    EXPECT_FALSE(intr->level());
    pulse(1); // latched even though the line is low again
    EXPECT_TRUE(intr->level());
    EXPECT_EQ(pic->read(kMaster, false) & 0x02, 0x02); // IRR by default
    EXPECT_EQ(pic->acknowledge(), kMasterBase + 1);
    EXPECT_FALSE(intr->level());
    EXPECT_EQ(read_isr(kMaster), 0x02);
    EXPECT_EQ(pic->read(kMaster, false), 0x00); // IRR cleared by INTA
    eoi(kMaster);
    EXPECT_EQ(read_isr(kMaster), 0x00);
}

TEST_F(PicTest, EdgeInputNeedsANewRisingEdge) {
    init();
    pic->set_irq(3, true);
    EXPECT_EQ(pic->acknowledge(), kMasterBase + 3);
    eoi(kMaster);
    EXPECT_FALSE(intr->level()); // still high, but no new edge
    pic->set_irq(3, false);
    pic->set_irq(3, true);
    EXPECT_TRUE(intr->level());
}

TEST_F(PicTest, LevelTriggeredPerElcrRequestsWhileHigh) {
    init();
    pic->write_elcr(1, 0x04); // IRQ 10 level-triggered
    EXPECT_EQ(pic->read_elcr(1), 0x04);
    pic->set_irq(10, true);
    EXPECT_TRUE(intr->level());
    EXPECT_EQ(pic->acknowledge(), kSlaveBase + 2);
    EXPECT_FALSE(intr->level()); // in service
    eoi(kSlave);
    eoi(kMaster);
    EXPECT_TRUE(intr->level()); // still asserted: requests again
    pic->set_irq(10, false);
    EXPECT_EQ(pic->chip(kSlave).irr(), 0x00);      // a level request goes away with the line...
    EXPECT_EQ(pic->acknowledge(), kSlaveBase + 7); // ...but the master latched it: spurious IRQ 15
    eoi(kMaster);
    pic->write_elcr(0, 0x20); // on the master, IRQ 5 level
    pic->set_irq(5, true);
    EXPECT_TRUE(intr->level());
    pic->set_irq(5, false);
    EXPECT_FALSE(intr->level());
}

TEST_F(PicTest, LtimMakesEveryInputLevelTriggered) {
    pic->write(kMaster, false, 0x19); // ICW1 with LTIM
    pic->write(kMaster, true, kMasterBase);
    pic->write(kMaster, true, 0x04);
    pic->write(kMaster, true, 0x01);
    pulse(5);
    EXPECT_FALSE(intr->level());
    pic->set_irq(5, true);
    EXPECT_TRUE(intr->level());
}

TEST_F(PicTest, ElcrBitsForIrq0128And13AreFixedEdge) {
    pic->write_elcr(0, 0xFF);
    pic->write_elcr(1, 0xFF);
    EXPECT_EQ(pic->read_elcr(0), 0xF8);
    EXPECT_EQ(pic->read_elcr(1), 0xDE);
}

TEST_F(PicTest, MaskedRequestWaitsUntilUnmasked) {
    init();
    pic->write(kMaster, true, 0x10);
    pulse(4);
    EXPECT_FALSE(intr->level());
    pic->write(kMaster, true, 0x00);
    EXPECT_TRUE(intr->level());
    EXPECT_EQ(pic->acknowledge(), kMasterBase + 4);
}

TEST_F(PicTest, LowerPinWinsAndInServiceBlocksLowerPriority) {
    init();
    pulse(3);
    pulse(1);
    EXPECT_EQ(pic->acknowledge(), kMasterBase + 1);
    // IRQ 1 in service holds off IRQ 3 until its EOI.
    EXPECT_FALSE(intr->level());
    pulse(0); // higher priority: nests
    EXPECT_TRUE(intr->level());
    EXPECT_EQ(pic->acknowledge(), kMasterBase + 0);
    EXPECT_EQ(read_isr(kMaster), 0x03);
    eoi(kMaster); // non-specific: ends IRQ 0, the highest in service
    EXPECT_EQ(read_isr(kMaster), 0x02);
    eoi(kMaster);
    EXPECT_EQ(pic->acknowledge(), kMasterBase + 3);
}

TEST_F(PicTest, SpecificEoiEndsTheNamedLevel) {
    init();
    pulse(6);
    pic->acknowledge();
    pulse(5);
    pic->acknowledge(); // IRQ 5 nests over 6
    EXPECT_EQ(read_isr(kMaster), 0x60);
    pic->write(kMaster, false, 0x66); // specific EOI for 6
    EXPECT_EQ(read_isr(kMaster), 0x20);
}

TEST_F(PicTest, RotateOnEoiMakesTheServedPinLowest) {
    init();
    pulse(1);
    pulse(4);
    EXPECT_EQ(pic->acknowledge(), kMasterBase + 1);
    pic->write(kMaster, false, 0xA0); // rotate on non-specific EOI: IRQ 1 lowest, IRQ 2 highest
    pulse(1);
    EXPECT_EQ(pic->acknowledge(), kMasterBase + 4); // 4 now outranks 1
    pic->write(kMaster, false, 0xE4);               // rotate on specific EOI of 4: 5 highest
    pulse(3);
    pulse(6);
    EXPECT_EQ(pic->acknowledge(), kMasterBase + 6);
}

TEST_F(PicTest, SetPriorityCommandChoosesTheLowestPin) {
    init();
    pic->write(kMaster, false, 0xC4); // IRQ 4 lowest, IRQ 5 highest
    pulse(0);
    pulse(5);
    EXPECT_EQ(pic->acknowledge(), kMasterBase + 5);
}

TEST_F(PicTest, AutoEoiLeavesNothingInService) {
    init(0x03, 0x03);
    pulse(7);
    EXPECT_EQ(pic->acknowledge(), kMasterBase + 7);
    EXPECT_EQ(read_isr(kMaster), 0x00);
    pulse(7);
    EXPECT_TRUE(intr->level()); // no EOI needed
}

TEST_F(PicTest, RotateInAutoEoiMode) {
    init(0x03, 0x03);
    pic->write(kMaster, false, 0x80); // set rotate in auto-EOI
    pulse(0);
    EXPECT_EQ(pic->acknowledge(), kMasterBase + 0);
    pulse(0);
    pulse(3);
    EXPECT_EQ(pic->acknowledge(), kMasterBase + 3); // 0 became lowest
    pic->write(kMaster, false, 0x00);               // clear rotate in auto-EOI
    pulse(5);
    EXPECT_EQ(pic->acknowledge(), kMasterBase + 5); // 4 is highest after 3 rotated; 5 before 0
}

TEST_F(PicTest, Ocw3SelectsIrrOrIsrAndPollAcknowledges) {
    init();
    pulse(6);
    EXPECT_EQ(pic->read(kMaster, false), 0x40); // IRR
    pic->write(kMaster, false, 0x0B);
    EXPECT_EQ(pic->read(kMaster, false), 0x00); // ISR
    pic->write(kMaster, false, 0x0C);           // poll
    EXPECT_EQ(pic->read(kMaster, false), 0x86);
    EXPECT_EQ(pic->read(kMaster, false), 0x40); // back to the ISR read, IRQ 6 now in service
    EXPECT_FALSE(intr->level());
    pic->write(kMaster, false, 0x0C);
    EXPECT_EQ(pic->read(kMaster, false), 0x00); // nothing requesting
}

TEST_F(PicTest, SpecialMaskModeLetsLowerPrioritiesIn) {
    init();
    pulse(3);
    EXPECT_EQ(pic->acknowledge(), kMasterBase + 3);
    pulse(5);
    EXPECT_FALSE(intr->level());
    pic->write(kMaster, true, 0x08);  // mask the level in service
    pic->write(kMaster, false, 0x68); // enter special mask mode
    EXPECT_TRUE(intr->level());
    EXPECT_EQ(pic->acknowledge(), kMasterBase + 5);
    pic->write(kMaster, false, 0x48); // leave it
    EXPECT_EQ(read_isr(kMaster), 0x28);
}

TEST_F(PicTest, SlaveInterruptsThroughTheCascade) {
    init();
    pulse(12);
    EXPECT_TRUE(intr->level());
    EXPECT_EQ(pic->read(kMaster, false), 0x04); // the cascade input requests
    EXPECT_EQ(pic->acknowledge(), kSlaveBase + 4);
    EXPECT_EQ(read_isr(kMaster), 0x04);
    EXPECT_EQ(read_isr(kSlave), 0x10);
    eoi(kSlave);
    eoi(kMaster);
    EXPECT_EQ(read_isr(kMaster), 0x00);
    EXPECT_EQ(read_isr(kSlave), 0x00);
    pic->write(kMaster, true, 0x04); // masking the cascade masks every slave input
    pulse(9);
    EXPECT_FALSE(intr->level());
}

TEST_F(PicTest, SpuriousIrq7WhenTheRequestVanishesBeforeInta) {
    init();
    pic->write_elcr(0, 0x10); // IRQ 4 level
    pic->set_irq(4, true);
    EXPECT_TRUE(intr->level());
    pic->set_irq(4, false);
    EXPECT_FALSE(intr->level());
    EXPECT_EQ(pic->acknowledge(), kMasterBase + 7);
    EXPECT_EQ(read_isr(kMaster), 0x00); // a spurious IRQ is not put in service
}

TEST_F(PicTest, SpuriousIrq15WhenASlaveRequestVanishesBeforeInta) {
    init();
    pic->write_elcr(1, 0x08); // IRQ 11 level
    pic->set_irq(11, true);
    EXPECT_TRUE(intr->level());
    pic->set_irq(11, false);
    EXPECT_TRUE(intr->level()); // the master latched its cascade request
    EXPECT_EQ(pic->acknowledge(), kSlaveBase + 7);
    EXPECT_EQ(read_isr(kSlave), 0x00);
    EXPECT_EQ(read_isr(kMaster), 0x04); // the master did acknowledge IR2: the guest ends it
    eoi(kMaster);
    EXPECT_FALSE(intr->level());
}

TEST_F(PicTest, AutoEoiSlaveKeepsEveryRequest) {
    init(0x03, 0x03);
    pulse(9);
    pulse(10);
    EXPECT_EQ(pic->acknowledge(), kSlaveBase + 1);
    EXPECT_TRUE(intr->level()); // the slave's INT stayed high: still latched on the master
    EXPECT_EQ(pic->acknowledge(), kSlaveBase + 2);
    EXPECT_FALSE(intr->level());
}

TEST_F(PicTest, IcwReinitialisationClearsServiceAndEdgeLatches) {
    init();
    pulse(1);
    pic->acknowledge();
    pulse(5);
    init();
    EXPECT_EQ(read_isr(kMaster), 0x00);
    EXPECT_EQ(pic->read(kMaster, false), 0x00);
    EXPECT_FALSE(intr->level());
}

TEST_F(PicTest, LinesAndBusPorts) {
    Bus pio("pio");
    ASSERT_TRUE(Pic8259Pair::attach(pio, pic));
    auto out = [&](u16 port, u8 value) { pio.write(port, std::array<u8, 1>{value}); };
    auto in = [&](u16 port) {
        std::array<u8, 1> b{};
        pio.read(port, b);
        return b[0];
    };
    for (u8 v : {0x11, 0x20, 0x04, 0x01})
        out(v == 0x11 ? 0x20 : 0x21, v);
    for (u8 v : {0x11, 0x28, 0x02, 0x01})
        out(v == 0x11 ? 0xA0 : 0xA1, v);
    out(0x21, 0xFB); // only the cascade unmasked
    EXPECT_EQ(in(0x21), 0xFB);
    out(0x4D1, 0x08);
    EXPECT_EQ(in(0x4D1), 0x08);
    auto line = Pic8259Pair::line(pic, 11);
    line->set_level(true);
    EXPECT_TRUE(intr->level());
    EXPECT_EQ(pic->acknowledge(), 0x2B);
    std::array<u8, 2> wide{};
    pio.read(0x20, wide); // 2-byte accesses are ignored
    EXPECT_EQ(wide, (std::array<u8, 2>{0xFF, 0xFF}));
    pic->set_irq(16, true); // out of range: ignored
}
