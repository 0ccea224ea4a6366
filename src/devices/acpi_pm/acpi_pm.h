#pragma once

#include "base/error.h"
#include "bus/bus.h"
#include "bus/irq_line.h"

#include <functional>
#include <memory>
#include <mutex>
#include <optional>

namespace kite::devices {

// The ACPI fixed hardware of a PC-like board that is not hardware-reduced
// (ACPI 6.3, 4.8): the PM1a event block (PM1_STS and PM1_EN, 16 bits each),
// the PM1a control block (PM1_CNT) and the 32-bit PM timer, raising the SCI.
//
//   PM1_STS  write 1 to clear: TMR_STS (bit 0, bit 31 of the timer toggled),
//            PWRBTN_STS (8), WAK_STS (15)
//   PM1_EN   TMR_EN (0), GBL_EN (5), PWRBTN_EN (8), SLPBTN_EN (9), RTC_EN (10)
//   PM1_CNT  SCI_EN (bit 0, always set: the board has no SMI_CMD and is
//            always in ACPI mode), SLP_TYP (12:10), SLP_EN (13, write-only)
//   PM_TMR   read-only, 3.579545 MHz, from an injected monotonic clock
//
// The SCI is asserted while a status bit and its enable bit are both set.
// Writing SLP_EN with the SLP_TYP of S5 (the DSDT's `_S5` package) calls the
// power-off callback; other sleep types are not offered by the DSDT and are
// ignored (counted). Nothing ticks: the board calls update() at
// next_deadline_ns() so TMR_STS reaches the SCI on time. Thread-safe; the SCI
// line is set with the lock held, the power-off callback without it.
class AcpiPm {
public:
    static constexpr u64 kTimerHz = 3'579'545;

    static constexpr u16 kStsTimer = 1u << 0;
    static constexpr u16 kStsPowerButton = 1u << 8;
    static constexpr u16 kStsWake = 1u << 15;
    static constexpr u16 kEnTimer = 1u << 0;
    static constexpr u16 kEnGlobal = 1u << 5;
    static constexpr u16 kEnPowerButton = 1u << 8;
    static constexpr u16 kEnSleepButton = 1u << 9;
    static constexpr u16 kEnRtc = 1u << 10;
    static constexpr u16 kCntSciEnable = 1u << 0;
    static constexpr u16 kCntSleepTypeShift = 10;
    static constexpr u16 kCntSleepTypeMask = 7u << kCntSleepTypeShift;
    static constexpr u16 kCntSleepEnable = 1u << 13;

    // Block sizes as the FADT gives them: PM1_EVT_LEN, PM1_CNT_LEN, PM_TMR_LEN.
    static constexpr u64 kEventLength = 4;
    static constexpr u64 kControlLength = 2;
    static constexpr u64 kTimerLength = 4;

    using Clock = std::function<u64()>;
    using PowerOff = std::function<void()>;

    // `sci` may be null; `now_ns` defaults to CLOCK_MONOTONIC.
    AcpiPm(std::shared_ptr<IrqLine> sci, u8 s5_sleep_type, PowerOff power_off, Clock now_ns = {});

    u16 read_status();
    void write_status(u16 value); // write 1 to clear
    u16 read_enable();
    void write_enable(u16 value);
    u16 read_control();
    void write_control(u16 value);
    u32 read_timer();

    // The host's power button: sets PWRBTN_STS (an SCI if the guest enabled it).
    void press_power_button();

    // Brings TMR_STS and the SCI up to date with the time.
    void update();
    // When the timer's bit 31 next toggles, if TMR_EN is set and TMR_STS clear.
    std::optional<u64> next_deadline_ns() const;

    bool sci_level() const;
    u64 ignored_sleep_count() const;

    // Registers the event, control and timer blocks at these ports (byte or
    // word accesses to the 16-bit registers, dword reads of the timer).
    struct Ports {
        u16 event;
        u16 control;
        u16 timer;
    };
    static Result<void> attach(Bus& pio, Ports ports, std::shared_ptr<AcpiPm> pm);

private:
    u64 ticks_locked() const;
    u16 status_locked() const;
    void update_sci_locked();

    std::shared_ptr<IrqLine> m_sci;
    const u8 m_s5_sleep_type;
    PowerOff m_power_off;
    Clock m_now_ns;
    const u64 m_epoch_ns;
    mutable std::mutex m_mutex;
    u16 m_status{0};     // every status bit except TMR_STS
    u64 m_timer_half{0}; // the half-period (ticks >> 31) whose TMR_STS was last cleared
    u16 m_enable{0};
    u16 m_sleep_type{0}; // the last SLP_TYP written (bits 12:10)
    bool m_sci_level{false};
    u64 m_ignored_sleeps{0};
};

} // namespace kite::devices
