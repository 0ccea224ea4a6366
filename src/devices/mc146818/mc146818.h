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

// The Motorola MC146818 real-time clock and CMOS memory of the PC: index port
// 0x70 (bit 7 masks NMI), data port 0x71, IRQ 8.
//
// Time is UTC: the host's wall clock at construction, advanced by an injected
// monotonic clock, plus an offset the guest moves by writing the time
// registers. Nothing ticks: registers, UIP and the interrupt flags are derived
// from the clock when read, and the board calls update() at
// next_deadline_ns() so IRQ 8 rises on time.
//   0x00–0x09 seconds, alarm seconds, minutes, alarm minutes, hours, alarm
//             hours, day of week (Sunday = 1), day, month, year; 0x32 century.
//             BCD or binary and 12/24 h per register B; an alarm byte with
//             bits 7:6 set matches anything.
//   0x0A A:   UIP (the 244 µs before each update), divider (the clock runs
//             with 010 only), periodic rate.
//   0x0B B:   SET (holds the time for writing; it resumes from the written
//             value when cleared), PIE, AIE, UIE, SQWE, DM, 24/12, DSE.
//   0x0C C:   IRQF, PF, AF, UF; reading clears them and lowers IRQ 8.
//   0x0D D:   VRT (always set).
// The rest of the 128 bytes are CMOS memory; the board fills in the memory
// sizes with set_memory_size(). Thread-safe; the IRQ line is set with the
// lock held.
class Mc146818 {
public:
    static constexpr u64 kPort = 0x70;
    static constexpr u64 kPortCount = 2;
    static constexpr unsigned kIrq = 8;
    static constexpr std::size_t kSize = 128;

    enum Register : u8 {
        kSeconds = 0x00,
        kSecondsAlarm = 0x01,
        kMinutes = 0x02,
        kMinutesAlarm = 0x03,
        kHours = 0x04,
        kHoursAlarm = 0x05,
        kDayOfWeek = 0x06,
        kDayOfMonth = 0x07,
        kMonth = 0x08,
        kYear = 0x09,
        kRegA = 0x0A,
        kRegB = 0x0B,
        kRegC = 0x0C,
        kRegD = 0x0D,
        kCentury = 0x32,
    };
    static constexpr u8 kAUip = 0x80;
    static constexpr u8 kBSet = 0x80;
    static constexpr u8 kBPie = 0x40;
    static constexpr u8 kBAie = 0x20;
    static constexpr u8 kBUie = 0x10;
    static constexpr u8 kBBinary = 0x04;
    static constexpr u8 kB24Hour = 0x02;
    static constexpr u8 kCIrqf = 0x80;
    static constexpr u8 kCPf = 0x40;
    static constexpr u8 kCAf = 0x20;
    static constexpr u8 kCUf = 0x10;
    static constexpr u8 kDVrt = 0x80;

    // Monotonic host time in nanoseconds.
    using Clock = std::function<u64()>;

    // `now_ns` defaults to CLOCK_MONOTONIC; `start_time_ns` (UTC nanoseconds
    // since the Unix epoch at construction) to CLOCK_REALTIME. `irq` may be null.
    Mc146818(std::shared_ptr<IrqLine> irq, Clock now_ns = {}, std::optional<u64> start_time_ns = {});

    // Ports by offset: 0 index (write-only; reads 0xFF), 1 data.
    u8 read(u8 offset);
    void write(u8 offset, u8 value);
    // Register access by index (0–127), as through the data port.
    u8 read_register(u8 index);
    void write_register(u8 index, u8 value);

    // CMOS memory as the board sets it up, bypassing the clock registers' rules.
    void set_cmos(u8 index, u8 value);
    // The memory-size bytes SeaBIOS reads: base memory (640 KiB) at 0x15/0x16,
    // 1 MiB–64 MiB in KiB at 0x17/0x18 and 0x30/0x31, 16 MiB–4 GiB in 64 KiB
    // units at 0x34/0x35, above 4 GiB in 64 KiB units at 0x5B–0x5D.
    void set_memory_size(u64 below_4g_bytes, u64 above_4g_bytes);

    // Raises the flags whose time has come and sets IRQ 8.
    void update();
    // When the next enabled interrupt (periodic, alarm, update-ended) comes,
    // in the clock's nanoseconds; nullopt if none is enabled.
    std::optional<u64> next_deadline_ns() const;

    // UTC seconds since the epoch that the guest sees now.
    i64 guest_time() const;
    bool nmi_masked() const;
    bool irq_level() const;

    // Registers ports 0x70–0x71 on the port I/O bus.
    static Result<void> attach(Bus& pio, std::shared_ptr<Mc146818> rtc);

private:
    struct Fields {
        int sec, min, hour, wday, mday, mon, year; // hour 0–23, wday 1–7, mon 1–12, full year
    };

    i64 guest_ns_locked() const;
    bool running_locked() const;
    bool held_locked() const;
    Fields current_fields_locked() const;
    static Fields fields_from(i64 seconds);
    static i64 seconds_from(const Fields& f);
    u8 encode(int value) const;
    int decode(u8 value) const;
    u8 encode_hour(int hour) const;
    int decode_hour(u8 value) const;
    u8 read_time_register(u8 index) const;
    void write_time_register(u8 index, u8 value);
    void set_held_locked(bool hold);
    void restart_periodic_locked();
    unsigned periodic_shift_locked() const; // 0: off; else the period is 2^(shift-1) / 32768 s
    std::optional<i64> next_alarm_after_locked(i64 seconds) const;
    void sync_locked();
    void update_irq_locked();
    void resync_seconds_locked();

    std::shared_ptr<IrqLine> m_irq;
    Clock m_now_ns;
    const u64 m_mono_start;
    const i64 m_wall_start;
    mutable std::mutex m_mutex;
    std::array<u8, kSize> m_cmos{};
    i64 m_offset_ns{0};
    std::optional<Fields> m_held; // the time while SET or the divider stops the clock
    int m_wday_adjust{0};         // a day of week the guest wrote, against the computed one
    i64 m_last_second{0};         // the guest second whose update cycle was last accounted
    u64 m_periodic_anchor{0};     // monotonic ns from which periods are counted
    u64 m_periods_seen{0};
    u8 m_flags{0}; // register C's PF, AF, UF
    u8 m_index{0};
    bool m_nmi_masked{false};
    bool m_irq_level{false};
};

} // namespace kite::devices
