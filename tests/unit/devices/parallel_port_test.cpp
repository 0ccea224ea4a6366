#include "devices/parallel/parallel_port.h"

#include <array>
#include <gtest/gtest.h>
#include <vector>

using namespace kite;
using namespace kite::devices;

namespace {

constexpr u8 kData = ParallelPort::kData;
constexpr u8 kStatus = ParallelPort::kStatus;
constexpr u8 kControl = ParallelPort::kControl;
constexpr u8 kSelectInit = ParallelPort::kControlSelectIn | ParallelPort::kControlNotInit;

struct ParallelTest : ::testing::Test {
    ParallelTest()
        : irq(std::make_shared<RecordingIrqLine>()),
          port(std::make_shared<ParallelPort>(irq, [this](u8 byte) { printed.push_back(byte); })) {}

    // What Linux's compatibility-mode write does for one byte.
    void print(u8 byte, u8 control = kSelectInit) {
        port->write(kData, byte);
        port->write(kControl, control | ParallelPort::kControlStrobe);
        port->write(kControl, control);
    }

    std::shared_ptr<RecordingIrqLine> irq;
    std::vector<u8> printed;
    std::shared_ptr<ParallelPort> port;
};

} // namespace

TEST_F(ParallelTest, StatusShowsAReadyPrinter) {
    u8 status = port->read(kStatus);
    EXPECT_TRUE(status & ParallelPort::kStatusNotBusy);
    EXPECT_TRUE(status & ParallelPort::kStatusNotAck);
    EXPECT_TRUE(status & ParallelPort::kStatusSelect);
    EXPECT_TRUE(status & ParallelPort::kStatusNotError);
    EXPECT_FALSE(status & ParallelPort::kStatusPaperOut);
    port->write(kStatus, 0x00); // read-only
    EXPECT_EQ(port->read(kStatus), status);
}

TEST_F(ParallelTest, DataAndControlReadBack) {
    port->write(kData, 0xAA);
    EXPECT_EQ(port->read(kData), 0xAA);
    port->write(kControl, 0x0C);
    EXPECT_EQ(port->read(kControl) & 0x3F, 0x0C);
    EXPECT_EQ(port->read(kControl) & 0xC0, 0xC0);
    port->write(kControl, 0x2C); // reverse direction: nothing drives the data lines
    EXPECT_EQ(port->read(kData), 0xFF);
    EXPECT_TRUE(printed.empty()); // no strobe yet
}

TEST_F(ParallelTest, StrobedBytesGoToTheOutput) {
    print('h');
    print('i');
    EXPECT_EQ(printed, (std::vector<u8>{'h', 'i'}));
    EXPECT_EQ(port->printed_count(), 2u);
    EXPECT_EQ(irq->rising_edges(), 0u); // IRQ disabled
    // Strobe asserted but not released, or released while in reset or reverse: nothing.
    port->write(kControl, kSelectInit | ParallelPort::kControlStrobe);
    port->write(kControl, ParallelPort::kControlSelectIn);
    print('x', ParallelPort::kControlSelectIn);
    print('y', kSelectInit | ParallelPort::kControlReverse);
    EXPECT_EQ(printed.size(), 2u);
}

TEST_F(ParallelTest, AckInterruptsWhenEnabled) {
    print('a', kSelectInit | ParallelPort::kControlIrqEnable);
    EXPECT_EQ(irq->rising_edges(), 1u);
    EXPECT_FALSE(irq->level()); // a pulse, as nACK's edge
    print('b', kSelectInit);
    EXPECT_EQ(irq->rising_edges(), 1u);
}

TEST_F(ParallelTest, UnconnectedPortAndBusAdapter) {
    auto lpt = std::make_shared<ParallelPort>(nullptr, nullptr);
    Bus pio("pio");
    ASSERT_TRUE(ParallelPort::attach(pio, ParallelPort::kLpt1Port, lpt));
    pio.write(0x378, std::array<u8, 1>{'z'});
    pio.write(0x37A, std::array<u8, 1>{kSelectInit | ParallelPort::kControlStrobe |
                                       ParallelPort::kControlIrqEnable});
    pio.write(0x37A, std::array<u8, 1>{kSelectInit | ParallelPort::kControlIrqEnable});
    EXPECT_EQ(lpt->printed_count(), 1u);
    std::array<u8, 1> b{};
    pio.read(0x379, b);
    EXPECT_EQ(b[0], ParallelPort::kStatusReady);
    std::array<u8, 2> w{};
    pio.read(0x378, w);
    EXPECT_EQ(w, (std::array<u8, 2>{0xFF, 0xFF}));
}
