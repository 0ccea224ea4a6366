#include "devices/goldfish_rtc/goldfish_rtc.h"

#include "base/clock.h"

namespace kite::devices {

namespace {

constexpr u64 kLow32 = 0xFFFF'FFFFull;

} // namespace

GoldfishRtc::GoldfishRtc(std::shared_ptr<IrqLine> irq, Clock wall_clock_ns)
    : m_irq(std::move(irq)), m_wall_clock_ns(wall_clock_ns ? std::move(wall_clock_ns) : Clock(&realtime_ns)),
      m_regs(
          {.name = "goldfish_rtc", .length = kLength, .widths = RegisterDevice::kDword, .invalid_read = 0},
          [this](u64 offset, unsigned) -> u64 { return read_register(offset); },
          [this](u64 offset, unsigned, u64 value) { write_register(offset, static_cast<u32>(value)); }) {}

void GoldfishRtc::read(u64 offset, std::span<u8> data) {
    m_regs.read(offset, data);
}

void GoldfishRtc::write(u64 offset, std::span<const u8> data) {
    m_regs.write(offset, data);
}

u32 GoldfishRtc::read_register(u64 offset) {
    std::lock_guard lock(m_mutex);
    check_alarm_locked();
    switch (offset) {
    case kTimeLow: {
        u64 now = now_locked();
        m_time_high_latch = static_cast<u32>(now >> 32);
        return static_cast<u32>(now);
    }
    case kTimeHigh:
        return m_time_high_latch;
    case kAlarmLow:
        return static_cast<u32>(m_alarm);
    case kAlarmHigh:
        return static_cast<u32>(m_alarm >> 32);
    case kIrqEnabled:
        return m_irq_enabled ? 1 : 0;
    case kAlarmStatus:
        return m_alarm_armed ? 1 : 0;
    default:
        return 0; // the CLEAR registers and reserved offsets
    }
}

void GoldfishRtc::write_register(u64 offset, u32 value) {
    std::lock_guard lock(m_mutex);
    switch (offset) {
    case kTimeLow: {
        // Linux writes TIME_HIGH, then TIME_LOW: pair them, so that a carry out of
        // the running low half between the two writes cannot skew the result.
        u64 high = m_time_high_written ? *m_time_high_written : now_locked() >> 32;
        m_time_high_written.reset();
        set_time_locked((high << 32) | value);
        break;
    }
    case kTimeHigh:
        // Takes effect at once too, so a lone TIME_HIGH write also sets the time.
        m_time_high_written = value;
        set_time_locked((now_locked() & kLow32) | (static_cast<u64>(value) << 32));
        break;
    case kAlarmLow:
        m_alarm = (m_alarm & ~kLow32) | value;
        m_alarm_armed = true;
        break;
    case kAlarmHigh:
        m_alarm = (m_alarm & kLow32) | (static_cast<u64>(value) << 32);
        break;
    case kIrqEnabled:
        m_irq_enabled = (value & 1) != 0;
        break;
    case kClearAlarm:
        m_alarm_armed = false;
        break;
    case kClearInterrupt:
        m_irq_pending = false;
        break;
    default:
        return; // ALARM_STATUS and reserved offsets are read-only
    }
    // An alarm set in the past fires at once.
    check_alarm_locked();
    update_irq_locked();
}

void GoldfishRtc::set_time_locked(u64 value) {
    m_offset = value - m_wall_clock_ns();
}

void GoldfishRtc::check_alarm_locked() {
    if (!m_alarm_armed || now_locked() < m_alarm)
        return;
    m_alarm_armed = false;
    m_irq_pending = true;
    update_irq_locked();
}

void GoldfishRtc::update_irq_locked() {
    bool level = m_irq_pending && m_irq_enabled;
    if (level == m_irq_level)
        return;
    m_irq_level = level;
    if (m_irq)
        m_irq->set_level(level);
}

void GoldfishRtc::update() {
    std::lock_guard lock(m_mutex);
    check_alarm_locked();
}

std::optional<u64> GoldfishRtc::time_to_alarm_ns() const {
    std::lock_guard lock(m_mutex);
    if (!m_alarm_armed)
        return std::nullopt;
    u64 now = now_locked();
    return m_alarm > now ? m_alarm - now : 0;
}

u64 GoldfishRtc::guest_time_ns() const {
    std::lock_guard lock(m_mutex);
    return now_locked();
}

bool GoldfishRtc::alarm_armed() const {
    std::lock_guard lock(m_mutex);
    return m_alarm_armed;
}

bool GoldfishRtc::irq_level() const {
    std::lock_guard lock(m_mutex);
    return m_irq_level;
}

} // namespace kite::devices
