#pragma once

#include "base/error.h"
#include "bus/bus.h"
#include "bus/irq_line.h"

#include <functional>
#include <memory>
#include <mutex>

namespace kite::devices {

// A standard (SPP, with the PS/2 direction bit) PC parallel port with a printer
// that is always ready, e.g. LPT1 at 0x378–0x37A on IRQ 7. Three registers:
//   +0 data: the latched output byte (reads 0xFF when the port is turned
//      around for input, as nothing drives the lines);
//   +1 status: nBUSY, nACK, PAPEROUT, SELECT, nERROR as a ready printer shows
//      them (0xDF);
//   +2 control: STROBE (bit 0), AUTOFD, nINIT, SELECTIN, IRQ enable (bit 4),
//      direction (bit 5); reads back with bits 7:6 set.
// A byte is printed when the driver releases STROBE (control bit 0 written
// 1 then 0, which is the strobe line going low then high): the data latch goes
// to the output callback, and with IRQ enable set the printer's ACK pulses the
// IRQ line. Thread-safe; the callback and the line run with the lock held.
class ParallelPort {
public:
    static constexpr u64 kLpt1Port = 0x378;
    static constexpr u64 kPortCount = 3;
    static constexpr unsigned kLpt1Irq = 7;

    enum Register : u8 { kData = 0, kStatus = 1, kControl = 2 };

    // Status bits.
    static constexpr u8 kStatusNotError = 0x08;
    static constexpr u8 kStatusSelect = 0x10;
    static constexpr u8 kStatusPaperOut = 0x20;
    static constexpr u8 kStatusNotAck = 0x40;
    static constexpr u8 kStatusNotBusy = 0x80;
    static constexpr u8 kStatusReady = 0xDF;
    // Control bits.
    static constexpr u8 kControlStrobe = 0x01;
    static constexpr u8 kControlAutoFeed = 0x02;
    static constexpr u8 kControlNotInit = 0x04;
    static constexpr u8 kControlSelectIn = 0x08;
    static constexpr u8 kControlIrqEnable = 0x10;
    static constexpr u8 kControlReverse = 0x20;

    using OutputSink = std::function<void(u8)>;

    // `irq` and `sink` may be null (an unconnected port: bytes are dropped).
    ParallelPort(std::shared_ptr<IrqLine> irq, OutputSink sink);

    u8 read(u8 offset);
    void write(u8 offset, u8 value);

    u64 printed_count() const;

    // Registers `port` on the port I/O bus at `base` (3 ports, 1-byte accesses).
    static Result<void> attach(Bus& pio, u64 base, std::shared_ptr<ParallelPort> port);

private:
    void write_control(u8 value);

    std::shared_ptr<IrqLine> m_irq;
    OutputSink m_sink;
    mutable std::mutex m_mutex;
    u8 m_data{0};
    u8 m_control{kControlNotInit};
    u64 m_printed{0};
};

} // namespace kite::devices
