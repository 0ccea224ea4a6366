#pragma once

#include "base/error.h"
#include "bus/bus.h"
#include "bus/irq_line.h"

#include <array>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

namespace kite::devices {

// The Intel 8254 programmable interval timer of the PC (ports 0x40–0x43),
// clocked at 1.193182 MHz, with the system control port B (0x61) that gates
// channel 2 and shows its output.
//
// Nothing ticks: each channel remembers when it was loaded (in PIT clocks
// derived from an injected monotonic clock), and its count and OUT level are
// computed from the time of the access. Channel 0's OUT drives IRQ 0: the board
// calls update() when next_deadline_ns() comes (and may call it more often);
// each rising edge of OUT since the last update becomes a low-high transition
// on the line, so an edge-triggered PIC sees every period even though the
// low phase of a rate generator lasts one PIT clock.
//
// Modes 0–5 (6 and 7 are 2 and 3), binary or BCD counting, LSB / MSB /
// LSB-then-MSB access, the counter latch command and the read-back command
// with status bytes. A new count in modes 2 and 3 restarts the period at once
// (the chip waits for the current period to end). Port 0x61: bit 0 gate 2,
// bit 1 speaker data enable, bits 2–3 kept; reads add bit 4, the refresh
// toggle (flips every 15.085 µs), and bit 5, channel 2's OUT.
// Thread-safe; the IRQ line is set with the lock held.
class I8254 {
public:
    static constexpr u64 kPort = 0x40;
    static constexpr u64 kPortCount = 4;
    static constexpr u64 kPortB = 0x61;
    static constexpr u64 kFrequencyHz = 1'193'182;
    static constexpr u64 kRefreshPeriodNs = 15'085;

    static constexpr u8 kPortBGate2 = 0x01;
    static constexpr u8 kPortBSpeaker = 0x02;
    static constexpr u8 kPortBRefresh = 0x10;
    static constexpr u8 kPortBOut2 = 0x20;

    // Monotonic host time in nanoseconds.
    using Clock = std::function<u64()>;

    // `now_ns` defaults to CLOCK_MONOTONIC when empty; `irq0` may be null.
    I8254(std::shared_ptr<IrqLine> irq0, Clock now_ns);

    // Ports 0x40–0x43 by offset (0–2 the counters, 3 the control word).
    u8 read(u8 offset);
    void write(u8 offset, u8 value);
    u8 read_port_b();
    void write_port_b(u8 value);

    // Brings IRQ 0 up to date with the time.
    void update();
    // When channel 0's OUT next rises, in the clock's nanoseconds (now if an
    // edge is due but not yet signalled by update()); nullopt if it never will
    // without a guest access.
    std::optional<u64> next_deadline_ns() const;

    // The level of a channel's OUT now.
    bool out(unsigned channel) const;
    bool irq0_level() const;

    // Registers ports 0x40–0x43 and 0x61 on the port I/O bus.
    static Result<void> attach(Bus& pio, std::shared_ptr<I8254> pit);

private:
    struct Channel {
        u8 mode{0};
        u8 access{3}; // 1 LSB, 2 MSB, 3 LSB then MSB
        bool bcd{false};
        bool loaded{false}; // a count was written since the control word
        bool armed{false};  // modes 1 and 5: a gate edge has triggered counting
        bool gate{true};
        bool null_count{true};
        u32 reload{0};             // 1..65536 (binary) or 1..10000 (BCD)
        u64 start{0};              // the PIT clock at which counting began
        std::optional<u64> frozen; // elapsed clocks while the gate holds the count
        u8 write_low{0};
        bool write_high_next{false};
        bool read_high_next{false};
        std::optional<u16> latched_count;
        bool latched_high_next{false};
        std::optional<u8> latched_status;
        u64 edges_seen{0};
    };

    u64 ticks_locked() const;
    std::optional<u64> elapsed(const Channel& c, u64 now) const;
    bool out_at(const Channel& c, u64 now) const;
    u16 count_at(const Channel& c, u64 now) const;
    u64 edges_at(const Channel& c, u64 now) const;
    std::optional<u64> next_edge_tick(const Channel& c) const;
    u8 status_at(const Channel& c, u64 now) const;
    void write_control(u8 value, u64 now);
    void read_back(u8 value, u64 now);
    void write_count(Channel& c, u8 value, u64 now);
    u8 read_count(Channel& c, u64 now);
    void set_gate(Channel& c, bool level, u64 now);
    void restart(Channel& c, u64 now);
    void update_locked();

    std::shared_ptr<IrqLine> m_irq0;
    Clock m_now_ns;
    const u64 m_epoch_ns;
    mutable std::mutex m_mutex;
    std::array<Channel, 3> m_channels;
    u8 m_port_b{0};
    bool m_irq0_level{false};
};

} // namespace kite::devices
