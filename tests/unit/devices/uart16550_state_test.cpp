#include "devices/uart16550/uart16550_device.h"

#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace kite::devices {
namespace {

constexpr u64 kRbr = 0, kDll = 0, kDlm = 1, kIer = 1, kIir = 2, kFcr = 2, kLcr = 3, kMcr = 4, kLsr = 5,
              kScr = 7;

u8 read_port(Uart16550Device& uart, u64 port) {
    u8 value = 0;
    uart.read(port, std::span<u8>(&value, 1));
    return value;
}

void write_port(Uart16550Device& uart, u64 port, u8 value) {
    uart.write(port, std::span<const u8>(&value, 1));
}

std::vector<u8> save(const Uart16550Device& uart) {
    StateWriter out;
    uart.save_state(out);
    return out.take();
}

struct Uart {
    std::shared_ptr<RecordingIrqLine> irq = std::make_shared<RecordingIrqLine>();
    Uart16550Device device{irq, [](u8) {}};
};

TEST(Uart16550State, SaveThenRestoreGivesTheGuestTheSameDevice) {
    Uart a;
    write_port(a.device, kLcr, 0x80); // DLAB: divisor 115200 baud
    write_port(a.device, kDll, 0x01);
    write_port(a.device, kDlm, 0x00);
    write_port(a.device, kLcr, 0x03); // 8N1
    write_port(a.device, kFcr, 0x01); // FIFOs on, trigger at 1 byte
    write_port(a.device, kIer, 0x01); // receive interrupts
    write_port(a.device, kMcr, 0x0B);
    write_port(a.device, kScr, 0x5A);
    std::string input(40, 'k'); // 16 in the FIFO, the rest queued on the host side
    a.device.receive(std::span<const u8>(reinterpret_cast<const u8*>(input.data()), input.size()));
    ASSERT_TRUE(a.irq->level());
    std::vector<u8> state = save(a.device);

    Uart b;
    StateReader in(state);
    ASSERT_TRUE(b.device.restore_state(in));
    EXPECT_TRUE(b.irq->level()) << "restore drives the line to the saved level";
    EXPECT_EQ(save(b.device), state);
    for (u64 port : {kIer, kIir, kLcr, kMcr, kLsr, kScr})
        EXPECT_EQ(read_port(b.device, port), read_port(a.device, port)) << "port " << port;
    std::string drained;
    while (read_port(b.device, kLsr) & 0x01)
        drained.push_back(static_cast<char>(read_port(b.device, kRbr)));
    EXPECT_EQ(drained, input);
}

TEST(Uart16550State, ATruncatedOrPaddedStreamIsRefusedAndChangesNothing) {
    Uart a;
    write_port(a.device, kScr, 0x42);
    std::vector<u8> state = save(a.device);

    Uart b;
    write_port(b.device, kScr, 0x17);
    std::vector<u8> truncated(state.begin(), state.end() - 1);
    StateReader short_in(truncated);
    EXPECT_FALSE(b.device.restore_state(short_in));
    std::vector<u8> padded = state;
    padded.push_back(0);
    StateReader long_in(padded);
    EXPECT_FALSE(b.device.restore_state(long_in));
    EXPECT_EQ(read_port(b.device, kScr), 0x17);
}

TEST(Uart16550State, AnOversizedFifoIsRefused) {
    Uart a;
    StateWriter out;
    for (int i = 0; i < 8; ++i)
        out.put_u8(0);
    out.put_bool(false);
    out.put_bool(false);
    out.put_u64(0);
    out.put_bytes(std::vector<u8>(Uart16550::kFifoSize + 1, 'x'));
    out.put_bytes({});
    StateReader in(out.bytes());
    auto restored = a.device.restore_state(in);
    ASSERT_FALSE(restored);
    EXPECT_NE(restored.error().message().find("receive FIFO"), std::string::npos);
}

} // namespace
} // namespace kite::devices
