#pragma once

#include "base/types.h"
#include "bus/bus_device.h"
#include "bus/irq_line.h"
#include "bus/register_device.h"

#include <functional>
#include <memory>
#include <mutex>
#include <optional>

namespace kite::devices {

// The Goldfish real-time clock (Android emulator; on QEMU's `virt` board at
// 0x10_1000, PLIC source 11), driven by Linux's rtc-goldfish. Time is in
// nanoseconds since the Unix epoch: the host wall clock plus an offset that the
// guest sets by writing TIME. Reading TIME_LOW latches the high half for the
// following TIME_HIGH read, so the two halves belong together. One alarm:
// write ALARM_HIGH, then ALARM_LOW to arm it; when the guest time reaches it
// the alarm disarms and latches an interrupt, which drives the IRQ line while
// IRQ_ENABLED is set, until the guest writes CLEAR_INTERRUPT.
// Registers are 32 bits wide; other widths and misaligned accesses read 0, are
// dropped and counted. Thread-safe.
class GoldfishRtc final : public BusDevice {
public:
    static constexpr u64 kDefaultBase = 0x10'1000;
    static constexpr u64 kLength = 0x1000;

    enum Register : u64 {
        kTimeLow = 0x00,
        kTimeHigh = 0x04,
        kAlarmLow = 0x08,
        kAlarmHigh = 0x0C,
        kIrqEnabled = 0x10,
        kClearAlarm = 0x14,
        kAlarmStatus = 0x18,
        kClearInterrupt = 0x1C,
    };

    // Wall-clock time in nanoseconds since the Unix epoch.
    using Clock = std::function<u64()>;

    // `wall_clock_ns` defaults to CLOCK_REALTIME when empty; `irq` may be null
    // (the alarm then only shows in ALARM_STATUS). The line is set with the
    // RTC's lock held.
    explicit GoldfishRtc(std::shared_ptr<IrqLine> irq, Clock wall_clock_ns = {});

    void read(u64 offset, std::span<u8> data) override;
    void write(u64 offset, std::span<const u8> data) override;

    // Fires the alarm if it is due. Time passes without guest accesses, so the
    // board calls this from its timer.
    void update();
    // How long until the armed alarm is due (0 if it already is); nullopt if
    // no alarm is armed. Relative, so the board can use any clock to wait.
    std::optional<u64> time_to_alarm_ns() const;

    // The time the guest reads now.
    u64 guest_time_ns() const;
    bool alarm_armed() const;
    bool irq_level() const;
    u64 ignored_access_count() const { return m_regs.ignored_access_count(); }

private:
    u64 now_locked() const { return m_wall_clock_ns() + m_offset; }
    void set_time_locked(u64 value);
    void check_alarm_locked();
    void update_irq_locked();
    u32 read_register(u64 offset);
    void write_register(u64 offset, u32 value);

    std::shared_ptr<IrqLine> m_irq;
    Clock m_wall_clock_ns;

    mutable std::mutex m_mutex;
    u64 m_offset{0};                        // guest time - host wall clock (wrapping)
    u32 m_time_high_latch{0};               // high half of the time at the last TIME_LOW read
    std::optional<u64> m_time_high_written; // a TIME_HIGH write waiting for its TIME_LOW
    u64 m_alarm{0};                         // ALARM_HIGH holds its value here until ALARM_LOW arms it
    bool m_alarm_armed{false};
    bool m_irq_enabled{false};
    bool m_irq_pending{false};
    bool m_irq_level{false};
    RegisterDevice m_regs; // width and alignment checks
};

} // namespace kite::devices
