#include "devices/uart16550/uart16550.h"
#include "devices/uart16550/uart16550_device.h"

#include <gtest/gtest.h>
#include <string_view>
#include <vector>

namespace kite::devices {
namespace {

constexpr u8 kRbr = 0, kThr = 0, kDll = 0, kDlm = 1, kIer = 1, kIir = 2, kFcr = 2, kLcr = 3, kMcr = 4,
             kLsr = 5, kMsr = 6, kScr = 7;

std::vector<u8> bytes_of(std::string_view text) {
    return {text.begin(), text.end()};
}

class Uart16550Test : public ::testing::Test {
protected:
    std::shared_ptr<RecordingIrqLine> irq = std::make_shared<RecordingIrqLine>();
    std::vector<u8> output;
    Uart16550 uart{irq, [this](u8 byte) { output.push_back(byte); }};

    std::string read_all(std::size_t count) {
        std::string text;
        for (std::size_t i = 0; i < count; ++i) {
            EXPECT_TRUE(uart.read(kLsr) & 0x01) << "DR clear after " << i << " bytes";
            text.push_back(static_cast<char>(uart.read(kRbr)));
        }
        return text;
    }
};

TEST_F(Uart16550Test, TransmitGoesToSink) {
    for (u8 c : bytes_of("hi\n"))
        uart.write(kThr, c);
    EXPECT_EQ(output, bytes_of("hi\n"));
}

TEST_F(Uart16550Test, ResetState) {
    EXPECT_EQ(uart.read(kIer), 0x00);
    EXPECT_EQ(uart.read(kIir), 0x01); // no interrupt, FIFOs off
    EXPECT_EQ(uart.read(kLcr), 0x00);
    EXPECT_EQ(uart.read(kMcr), 0x00);
    EXPECT_EQ(uart.read(kLsr), 0x60); // THRE | TEMT
    EXPECT_EQ(uart.read(kMsr), 0xB0); // DCD | DSR | CTS, no deltas
    EXPECT_FALSE(irq->level());
}

TEST_F(Uart16550Test, LineStatusBits) {
    EXPECT_EQ(uart.read(kLsr), 0x60);
    uart.receive(bytes_of("x"));
    EXPECT_EQ(uart.read(kLsr), 0x61);
    EXPECT_EQ(uart.read(kRbr), 'x');
    EXPECT_EQ(uart.read(kLsr), 0x60);
    // Overrun: loopback into a full receiver; OE clears once LSR is read.
    uart.write(kMcr, 0x10);
    uart.write(kThr, 'a');
    uart.write(kThr, 'b'); // the 16450-mode holding register is full
    EXPECT_EQ(uart.read(kLsr), 0x63);
    EXPECT_EQ(uart.read(kLsr), 0x61);
    EXPECT_EQ(uart.read(kRbr), 'a');
}

TEST_F(Uart16550Test, DivisorLatchRoundTrip) {
    uart.write(kIer, 0x05);
    uart.write(kLcr, 0x83); // DLAB, 8N1
    uart.write(kDll, 0x01);
    uart.write(kDlm, 0x02);
    EXPECT_EQ(uart.read(kDll), 0x01);
    EXPECT_EQ(uart.read(kDlm), 0x02);
    EXPECT_EQ(uart.divisor(), 0x0201);
    EXPECT_TRUE(output.empty()); // a DLL write is not a transmit
    uart.write(kLcr, 0x03);
    EXPECT_EQ(uart.read(kLcr), 0x03);
    EXPECT_EQ(uart.read(kIer), 0x05); // IER unaffected by DLM writes
    EXPECT_EQ(uart.divisor(), 0x0201);
}

TEST_F(Uart16550Test, Scratch) {
    uart.write(kScr, 0xA5);
    EXPECT_EQ(uart.read(kScr), 0xA5);
    uart.write(kScr, 0x5A);
    EXPECT_EQ(uart.read(kScr), 0x5A);
}

TEST_F(Uart16550Test, OutOfRangeOffset) {
    EXPECT_EQ(uart.read(8), 0xFF);
    uart.write(8, 0x12);
    EXPECT_TRUE(output.empty());
}

TEST_F(Uart16550Test, RxFifoKeepsOrder) {
    uart.write(kFcr, 0x07); // enable and clear FIFOs
    EXPECT_EQ(uart.receive(bytes_of("hello")), 5u);
    EXPECT_EQ(uart.rx_fifo_size(), 5u);
    EXPECT_EQ(read_all(5), "hello");
    EXPECT_EQ(uart.read(kLsr) & 0x01, 0);
    EXPECT_EQ(uart.read(kRbr), 0); // empty receiver
}

TEST_F(Uart16550Test, HostQueueRefillsFifo) {
    uart.write(kFcr, 0x01);
    std::string text;
    for (int i = 0; i < 100; ++i)
        text.push_back(static_cast<char>('!' + i % 90));
    EXPECT_EQ(uart.receive(bytes_of(text)), 100u);
    EXPECT_EQ(uart.rx_fifo_size(), Uart16550::kFifoSize);
    EXPECT_EQ(uart.host_queue_size(), 100u - Uart16550::kFifoSize);
    EXPECT_EQ(uart.read(kLsr) & 0x02, 0); // queued input is not an overrun
    EXPECT_EQ(read_all(100), text);
    EXPECT_EQ(uart.host_queue_size(), 0u);
    EXPECT_EQ(uart.read(kLsr) & 0x01, 0);
}

TEST_F(Uart16550Test, FifoDisabledHoldsOneByte) {
    EXPECT_EQ(uart.receive(bytes_of("abc")), 3u);
    EXPECT_EQ(uart.rx_fifo_size(), 1u);
    EXPECT_EQ(uart.host_queue_size(), 2u);
    EXPECT_EQ(read_all(3), "abc");
}

TEST_F(Uart16550Test, HostQueueIsBoundedAndCountsDrops) {
    uart.write(kFcr, 0x01);
    std::vector<u8> big(Uart16550::kHostQueueLimit + 1000, 'z');
    std::size_t capacity = Uart16550::kHostQueueLimit + Uart16550::kFifoSize;
    EXPECT_EQ(uart.receive(big), capacity);
    EXPECT_EQ(uart.dropped_input_count(), big.size() - capacity);
    EXPECT_EQ(uart.receive(bytes_of("more")), 0u);
    EXPECT_EQ(uart.dropped_input_count(), big.size() - capacity + 4);
    uart.read(kRbr);
    EXPECT_EQ(uart.receive(bytes_of("ab")), 1u); // one byte of room again
}

TEST_F(Uart16550Test, FifoClearKeepsHostQueue) {
    uart.write(kFcr, 0x01);
    std::vector<u8> input(20);
    for (std::size_t i = 0; i < input.size(); ++i)
        input[i] = static_cast<u8>(i);
    uart.receive(input);
    uart.write(kFcr, 0x03); // clear RX FIFO: the 16 received bytes go, queued ones arrive
    EXPECT_EQ(uart.rx_fifo_size(), 4u);
    EXPECT_EQ(uart.read(kRbr), 16);
}

TEST_F(Uart16550Test, FifoBitsInIir) {
    EXPECT_EQ(uart.read(kIir) & 0xC0, 0x00);
    uart.write(kFcr, 0x01);
    EXPECT_EQ(uart.read(kIir), 0xC1);
    uart.write(kFcr, 0x00);
    EXPECT_EQ(uart.read(kIir), 0x01);
}

TEST_F(Uart16550Test, ThrEmptyInterruptRules) {
    EXPECT_FALSE(irq->level());
    uart.write(kIer, 0x02); // THR is empty: pending at once
    EXPECT_TRUE(irq->level());
    EXPECT_EQ(irq->rising_edges(), 1u);
    EXPECT_EQ(uart.read(kIir), 0x02); // reported, and so acknowledged
    EXPECT_FALSE(irq->level());
    EXPECT_EQ(uart.read(kIir), 0x01);

    uart.write(kThr, 'a'); // transmitted instantly: THR empty again
    EXPECT_TRUE(irq->level());
    EXPECT_EQ(irq->rising_edges(), 2u);
    EXPECT_EQ(output, bytes_of("a"));

    uart.write(kIer, 0x00); // masked
    EXPECT_FALSE(irq->level());
    uart.write(kIer, 0x02); // re-enabled while empty: pending again
    EXPECT_TRUE(irq->level());
    EXPECT_EQ(uart.read(kIir), 0x02);
    uart.write(kIer, 0x02); // no 0 -> 1 transition: stays acknowledged
    EXPECT_FALSE(irq->level());
}

TEST_F(Uart16550Test, ThrEmptyNotAcknowledgedWhenNotReported) {
    uart.write(kIer, 0x03);
    uart.receive(bytes_of("q"));
    EXPECT_EQ(uart.read(kIir), 0x04); // data outranks THRE
    EXPECT_EQ(uart.read(kRbr), 'q');
    EXPECT_TRUE(irq->level());
    EXPECT_EQ(uart.read(kIir), 0x02); // THRE was still pending
    EXPECT_FALSE(irq->level());
}

TEST_F(Uart16550Test, InterruptPriorities) {
    uart.write(kIer, 0x0F);
    EXPECT_EQ(uart.read(kIir), 0x02);
    uart.write(kMcr, 0x10); // loopback: modem lines drop, setting delta bits
    uart.write(kThr, 'a');
    uart.write(kThr, 'b'); // overrun
    EXPECT_TRUE(irq->level());
    EXPECT_EQ(uart.read(kIir), 0x06); // receiver line status
    EXPECT_EQ(uart.read(kLsr) & 0x02, 0x02);
    EXPECT_EQ(uart.read(kIir), 0x04); // received data
    EXPECT_EQ(uart.read(kRbr), 'a');
    EXPECT_EQ(uart.read(kIir), 0x02);        // THR empty (acknowledged by this read)
    EXPECT_EQ(uart.read(kIir), 0x00);        // modem status
    EXPECT_EQ(uart.read(kMsr) & 0x0F, 0x0B); // DCTS | DDSR | DDCD
    EXPECT_EQ(uart.read(kIir), 0x01);
    EXPECT_FALSE(irq->level());
}

TEST_F(Uart16550Test, DisabledSourcesDoNotInterrupt) {
    uart.receive(bytes_of("x"));
    EXPECT_EQ(uart.read(kIir), 0x01);
    EXPECT_FALSE(irq->level());
    uart.write(kIer, 0x01);
    EXPECT_TRUE(irq->level());
    EXPECT_EQ(uart.read(kRbr), 'x');
    EXPECT_FALSE(irq->level());
}

TEST_F(Uart16550Test, IrqNotGatedOnOut2) {
    uart.write(kMcr, 0x00);
    uart.write(kIer, 0x01);
    uart.receive(bytes_of("x"));
    EXPECT_TRUE(irq->level());
    EXPECT_TRUE(uart.irq_level());
}

TEST_F(Uart16550Test, TriggerLevelSelectsDataOrTimeoutId) {
    uart.write(kFcr, 0x81); // FIFO on, trigger level 8
    uart.write(kIer, 0x01);
    uart.receive(bytes_of("abc"));
    EXPECT_EQ(uart.read(kIir), 0xCC); // below the trigger: character timeout
    uart.receive(bytes_of("defgh"));
    EXPECT_EQ(uart.read(kIir), 0xC4);
    EXPECT_TRUE(irq->level());
}

TEST_F(Uart16550Test, LoopbackEchoesAndMirrorsModemControl) {
    uart.write(kMcr, 0x1A);                  // loopback, OUT2, RTS: what Linux's 8250 probe writes
    EXPECT_EQ(uart.read(kMsr) & 0xF0, 0x90); // DCD | CTS
    uart.write(kMcr, 0x1F);
    EXPECT_EQ(uart.read(kMsr), 0xF0 | 0x02); // all lines; DSR changed
    uart.write(kMcr, 0x1B);                  // OUT1 off: RI trailing edge
    EXPECT_EQ(uart.read(kMsr), 0xB0 | 0x04);
    EXPECT_EQ(uart.read(kMsr), 0xB0);

    uart.write(kThr, 'Z');
    EXPECT_TRUE(output.empty()); // nothing leaves the chip in loopback
    EXPECT_EQ(uart.read(kLsr) & 0x01, 0x01);
    EXPECT_EQ(uart.read(kRbr), 'Z');

    uart.receive(bytes_of("h")); // the receiver is disconnected from host input
    EXPECT_EQ(uart.read(kLsr) & 0x01, 0);
    uart.write(kMcr, 0x0B);
    EXPECT_EQ(uart.read(kRbr), 'h');
    EXPECT_EQ(uart.read(kMsr), 0xB0); // back to an always-ready peer, no change vs 0x1B
}

TEST_F(Uart16550Test, ModemStatusInterrupt) {
    uart.write(kIer, 0x08);
    EXPECT_FALSE(irq->level());
    uart.write(kMcr, 0x13); // loopback with DTR and RTS: DCD drops
    EXPECT_TRUE(irq->level());
    EXPECT_EQ(uart.read(kIir), 0x00);
    EXPECT_EQ(uart.read(kMsr), 0x30 | 0x08);
    EXPECT_FALSE(irq->level());
}

class Uart16550DeviceTest : public ::testing::Test {
protected:
    std::shared_ptr<RecordingIrqLine> irq = std::make_shared<RecordingIrqLine>();
    std::vector<u8> output;
    Uart16550Device device{irq, [this](u8 byte) { output.push_back(byte); }};

    u8 read8(u64 offset) {
        u8 value = 0;
        device.read(offset, std::span(&value, 1));
        return value;
    }
    void write8(u64 offset, u8 value) { device.write(offset, std::span<const u8>(&value, 1)); }
};

TEST_F(Uart16550DeviceTest, ByteAccesses) {
    write8(kThr, 'k');
    EXPECT_EQ(output, bytes_of("k"));
    EXPECT_EQ(read8(kLsr), 0x60);
    write8(kIer, 0x01);
    EXPECT_EQ(device.receive(bytes_of("in")), 2u);
    EXPECT_TRUE(irq->level());
    EXPECT_EQ(read8(kRbr), 'i');
    EXPECT_EQ(read8(kRbr), 'n');
    EXPECT_FALSE(irq->level());
    EXPECT_EQ(device.bad_width_count(), 0u);
}

TEST_F(Uart16550DeviceTest, BadWidthIsCounted) {
    u8 wide[2] = {0, 0};
    device.read(kLsr, wide);
    EXPECT_EQ(wide[0], 0xFF);
    EXPECT_EQ(wide[1], 0xFF);
    EXPECT_EQ(device.bad_width_count(), 1u);

    const u8 word[2] = {'a', 'b'};
    device.write(kThr, word);
    EXPECT_TRUE(output.empty());
    EXPECT_EQ(device.bad_width_count(), 2u);

    u32 dword = 0;
    device.read(kRbr, std::span(reinterpret_cast<u8*>(&dword), 4));
    EXPECT_EQ(dword, 0xFFFF'FFFFu);
    EXPECT_EQ(device.bad_width_count(), 3u);
}

} // namespace
} // namespace kite::devices
