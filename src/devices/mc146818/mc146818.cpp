#include "devices/mc146818/mc146818.h"

#include "base/clock.h"
#include "bus/register_device.h"

#include <algorithm>
#include <ctime>

namespace kite::devices {

namespace {

constexpr i64 kNsPerSecond = 1'000'000'000;
constexpr i64 kUipWindowNs = 244'000; // UIP is set this long before each update
constexpr u8 kADivider = 0x70;
constexpr u8 kADividerRunning = 0x20; // 010: a 32.768 kHz time base, running
constexpr u8 kARate = 0x0F;
constexpr u8 kDontCare = 0xC0;
constexpr u8 kHourPm = 0x80;
constexpr u64 kTimeBaseHz = 32'768;

i64 floor_div(i64 a, i64 b) {
    i64 q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

bool is_time_register(u8 index) {
    switch (index) {
    case Mc146818::kSeconds:
    case Mc146818::kMinutes:
    case Mc146818::kHours:
    case Mc146818::kDayOfWeek:
    case Mc146818::kDayOfMonth:
    case Mc146818::kMonth:
    case Mc146818::kYear:
    case Mc146818::kCentury:
        return true;
    default:
        return false;
    }
}

} // namespace

Mc146818::Mc146818(std::shared_ptr<IrqLine> irq, Clock now_ns, std::optional<u64> start_time_ns)
    : m_irq(std::move(irq)), m_now_ns(now_ns ? std::move(now_ns) : Clock(&monotonic_ns)),
      m_mono_start(m_now_ns()),
      m_wall_start(static_cast<i64>(start_time_ns ? *start_time_ns : realtime_ns())) {
    m_cmos[kRegA] = kADividerRunning | 0x06; // 1024 Hz periodic rate, as firmware leaves it
    m_cmos[kRegB] = kB24Hour;                // BCD, 24-hour
    m_periodic_anchor = m_mono_start;
    resync_seconds_locked();
}

// ---- time ----

i64 Mc146818::guest_ns_locked() const {
    return m_wall_start + static_cast<i64>(m_now_ns() - m_mono_start) + m_offset_ns;
}

bool Mc146818::running_locked() const {
    return (m_cmos[kRegA] & kADivider) == kADividerRunning;
}

bool Mc146818::held_locked() const {
    return m_held.has_value();
}

Mc146818::Fields Mc146818::fields_from(i64 seconds) {
    time_t t = static_cast<time_t>(seconds);
    tm parts{};
    gmtime_r(&t, &parts);
    return Fields{parts.tm_sec,  parts.tm_min,     parts.tm_hour,       parts.tm_wday + 1,
                  parts.tm_mday, parts.tm_mon + 1, parts.tm_year + 1900};
}

i64 Mc146818::seconds_from(const Fields& f) {
    tm parts{};
    parts.tm_sec = f.sec;
    parts.tm_min = f.min;
    parts.tm_hour = f.hour;
    parts.tm_mday = f.mday;
    parts.tm_mon = f.mon - 1;
    parts.tm_year = f.year - 1900;
    return static_cast<i64>(timegm(&parts)); // normalises out-of-range fields
}

Mc146818::Fields Mc146818::current_fields_locked() const {
    if (m_held)
        return *m_held;
    Fields f = fields_from(floor_div(guest_ns_locked(), kNsPerSecond));
    f.wday = (f.wday - 1 + m_wday_adjust) % 7 + 1;
    return f;
}

void Mc146818::resync_seconds_locked() {
    m_last_second = floor_div(guest_ns_locked(), kNsPerSecond);
}

void Mc146818::set_held_locked(bool hold) {
    if (hold == held_locked())
        return;
    if (hold) {
        m_held = current_fields_locked();
        return;
    }
    // The clock resumes from the held (possibly rewritten) time, at the start of its second.
    Fields f = *m_held;
    m_held.reset();
    i64 seconds = seconds_from(f);
    m_offset_ns = seconds * kNsPerSecond - (guest_ns_locked() - m_offset_ns);
    int computed_wday = fields_from(seconds).wday;
    m_wday_adjust = ((f.wday - computed_wday) % 7 + 7) % 7;
    resync_seconds_locked();
}

// ---- register formats ----

u8 Mc146818::encode(int value) const {
    if (m_cmos[kRegB] & kBBinary)
        return static_cast<u8>(value);
    return static_cast<u8>((value / 10 % 10) << 4 | value % 10);
}

int Mc146818::decode(u8 value) const {
    if (m_cmos[kRegB] & kBBinary)
        return value;
    return (value >> 4) * 10 + (value & 0x0F);
}

u8 Mc146818::encode_hour(int hour) const {
    if (m_cmos[kRegB] & kB24Hour)
        return encode(hour);
    int h12 = hour % 12 == 0 ? 12 : hour % 12;
    return static_cast<u8>(encode(h12) | (hour >= 12 ? kHourPm : 0));
}

int Mc146818::decode_hour(u8 value) const {
    if (m_cmos[kRegB] & kB24Hour)
        return decode(value);
    return decode(value & 0x7F) % 12 + ((value & kHourPm) ? 12 : 0);
}

u8 Mc146818::read_time_register(u8 index) const {
    Fields f = current_fields_locked();
    switch (index) {
    case kSeconds:
        return encode(f.sec);
    case kMinutes:
        return encode(f.min);
    case kHours:
        return encode_hour(f.hour);
    case kDayOfWeek:
        return encode(f.wday);
    case kDayOfMonth:
        return encode(f.mday);
    case kMonth:
        return encode(f.mon);
    case kYear:
        return encode(f.year % 100);
    default: // kCentury
        return encode(f.year / 100);
    }
}

void Mc146818::write_time_register(u8 index, u8 value) {
    Fields f = current_fields_locked();
    int v = index == kHours ? decode_hour(value) : decode(value);
    switch (index) {
    case kSeconds:
        f.sec = v;
        break;
    case kMinutes:
        f.min = v;
        break;
    case kHours:
        f.hour = v;
        break;
    case kDayOfWeek:
        f.wday = v;
        break;
    case kDayOfMonth:
        f.mday = v;
        break;
    case kMonth:
        f.mon = v;
        break;
    case kYear:
        f.year = f.year / 100 * 100 + v;
        break;
    default: // kCentury
        f.year = v * 100 + f.year % 100;
        break;
    }
    if (m_held) {
        m_held = f; // kept as written until the clock resumes
        return;
    }
    // A running clock takes the new field at once and keeps its phase within the second.
    i64 now = guest_ns_locked();
    i64 old_seconds = floor_div(now, kNsPerSecond);
    if (index == kDayOfWeek) {
        int computed = fields_from(old_seconds).wday;
        m_wday_adjust = ((v - computed) % 7 + 7) % 7;
        return;
    }
    m_offset_ns += (seconds_from(f) - old_seconds) * kNsPerSecond;
    resync_seconds_locked();
}

// ---- interrupts ----

unsigned Mc146818::periodic_shift_locked() const {
    unsigned rate = m_cmos[kRegA] & kARate;
    if (rate == 0 || !running_locked())
        return 0;
    return rate <= 2 ? rate + 7 : rate; // with a 32.768 kHz base, rates 1 and 2 repeat 8 and 9
}

void Mc146818::restart_periodic_locked() {
    m_periodic_anchor = m_now_ns();
    m_periods_seen = 0;
}

std::optional<i64> Mc146818::next_alarm_after_locked(i64 seconds) const {
    auto wanted = [this](Register reg, bool hour) -> int {
        u8 raw = m_cmos[reg];
        if ((raw & kDontCare) == kDontCare)
            return -1;
        return hour ? decode_hour(raw) : decode(raw);
    };
    int want_h = wanted(kHoursAlarm, true), want_m = wanted(kMinutesAlarm, false),
        want_s = wanted(kSecondsAlarm, false);
    i64 from = seconds + 1;
    i64 day_start = floor_div(from, 86400) * 86400;
    for (i64 day = day_start; day <= day_start + 86400; day += 86400) {
        for (int h = 0; h < 24; ++h) {
            if ((want_h >= 0 && h != want_h) || day + h * 3600 + 3599 < from)
                continue;
            for (int m = 0; m < 60; ++m) {
                if ((want_m >= 0 && m != want_m) || day + h * 3600 + m * 60 + 59 < from)
                    continue;
                for (int s = 0; s < 60; ++s) {
                    i64 t = day + h * 3600 + m * 60 + s;
                    if ((want_s < 0 || s == want_s) && t >= from)
                        return t;
                }
            }
        }
    }
    return std::nullopt; // an alarm value no time matches
}

void Mc146818::sync_locked() {
    if (!held_locked()) {
        i64 second = floor_div(guest_ns_locked(), kNsPerSecond);
        if (second > m_last_second) {
            m_flags |= kCUf;
            if (auto alarm = next_alarm_after_locked(m_last_second); alarm && *alarm <= second)
                m_flags |= kCAf;
            m_last_second = second;
        }
    }
    if (unsigned shift = periodic_shift_locked()) {
        auto elapsed = static_cast<unsigned __int128>(m_now_ns() - m_periodic_anchor);
        auto periods = static_cast<u64>(elapsed * kTimeBaseHz /
                                        (static_cast<unsigned __int128>(kNsPerSecond) << (shift - 1)));
        if (periods > m_periods_seen) {
            m_flags |= kCPf;
            m_periods_seen = periods;
        }
    }
    update_irq_locked();
}

void Mc146818::update_irq_locked() {
    u8 enabled = m_cmos[kRegB] & (kBPie | kBAie | kBUie); // the same bit positions as PF, AF, UF
    bool level = (m_flags & enabled) != 0;
    if (level == m_irq_level)
        return;
    m_irq_level = level;
    if (m_irq)
        m_irq->set_level(level);
}

void Mc146818::update() {
    std::lock_guard lock(m_mutex);
    sync_locked();
}

std::optional<u64> Mc146818::next_deadline_ns() const {
    std::lock_guard lock(m_mutex);
    u8 b = m_cmos[kRegB];
    std::optional<u64> earliest;
    auto consider = [&](u64 t) { earliest = earliest ? std::min(*earliest, t) : t; };
    i64 guest_now = guest_ns_locked();
    u64 now = m_now_ns();
    auto at_guest_second = [&](i64 second) {
        i64 delta = second * kNsPerSecond - guest_now;
        return delta <= 0 ? now : now + static_cast<u64>(delta);
    };
    if (!held_locked()) {
        if (b & kBUie)
            consider(at_guest_second(m_last_second + 1));
        if (b & kBAie)
            if (auto alarm = next_alarm_after_locked(m_last_second))
                consider(at_guest_second(*alarm));
    }
    if (unsigned shift = periodic_shift_locked(); shift && (b & kBPie)) {
        auto period_units = static_cast<unsigned __int128>(kNsPerSecond) << (shift - 1);
        auto next = (static_cast<unsigned __int128>(m_periods_seen + 1) * period_units + kTimeBaseHz - 1) /
                    kTimeBaseHz;
        consider(m_periodic_anchor + static_cast<u64>(next));
    }
    return earliest;
}

// ---- registers ----

u8 Mc146818::read_register(u8 index) {
    std::lock_guard lock(m_mutex);
    index &= kSize - 1;
    if (is_time_register(index))
        return read_time_register(index);
    switch (index) {
    case kRegA: {
        i64 phase = guest_ns_locked() - floor_div(guest_ns_locked(), kNsPerSecond) * kNsPerSecond;
        bool uip = running_locked() && !held_locked() && phase >= kNsPerSecond - kUipWindowNs;
        return static_cast<u8>(m_cmos[kRegA] | (uip ? kAUip : 0));
    }
    case kRegC: {
        sync_locked();
        u8 enabled = m_cmos[kRegB] & (kBPie | kBAie | kBUie);
        u8 value = static_cast<u8>(m_flags | ((m_flags & enabled) ? kCIrqf : 0));
        m_flags = 0;
        update_irq_locked();
        return value;
    }
    case kRegD:
        return kDVrt;
    default:
        return m_cmos[index];
    }
}

void Mc146818::write_register(u8 index, u8 value) {
    std::lock_guard lock(m_mutex);
    index &= kSize - 1;
    sync_locked(); // account for what happened under the old settings
    if (is_time_register(index)) {
        write_time_register(index, value);
        return;
    }
    switch (index) {
    case kRegA: {
        bool rate_changed = ((m_cmos[kRegA] ^ value) & (kARate | kADivider)) != 0;
        m_cmos[kRegA] = value & static_cast<u8>(~kAUip);
        set_held_locked((m_cmos[kRegB] & kBSet) || !running_locked());
        if (rate_changed)
            restart_periodic_locked();
        break;
    }
    case kRegB:
        if (value & kBSet)
            value &= static_cast<u8>(~kBUie); // SET clears UIE
        m_cmos[kRegB] = value;
        set_held_locked((value & kBSet) || !running_locked());
        break;
    case kRegC:
    case kRegD:
        return; // read-only
    default:
        m_cmos[index] = value;
        return;
    }
    update_irq_locked();
}

u8 Mc146818::read(u8 offset) {
    if (offset == 0)
        return 0xFF;
    u8 index = 0;
    {
        std::lock_guard lock(m_mutex);
        index = m_index;
    }
    return read_register(index);
}

void Mc146818::write(u8 offset, u8 value) {
    if (offset == 0) {
        std::lock_guard lock(m_mutex);
        m_index = value & (kSize - 1);
        m_nmi_masked = (value & 0x80) != 0;
        return;
    }
    u8 index = 0;
    {
        std::lock_guard lock(m_mutex);
        index = m_index;
    }
    write_register(index, value);
}

void Mc146818::set_cmos(u8 index, u8 value) {
    std::lock_guard lock(m_mutex);
    m_cmos[index & (kSize - 1)] = value;
}

void Mc146818::set_memory_size(u64 below_4g_bytes, u64 above_4g_bytes) {
    auto put16 = [this](u8 index, u64 value) {
        u64 v = std::min<u64>(value, 0xFFFF);
        set_cmos(index, static_cast<u8>(v));
        set_cmos(static_cast<u8>(index + 1), static_cast<u8>(v >> 8));
    };
    put16(0x15, 640);
    u64 extended_kib = below_4g_bytes > MiB ? (below_4g_bytes - MiB) / KiB : 0;
    put16(0x17, extended_kib);
    put16(0x30, extended_kib);
    put16(0x34, below_4g_bytes > 16 * MiB ? (below_4g_bytes - 16 * MiB) / (64 * KiB) : 0);
    u64 high = std::min<u64>(above_4g_bytes / (64 * KiB), 0xFF'FFFF);
    set_cmos(0x5B, static_cast<u8>(high));
    set_cmos(0x5C, static_cast<u8>(high >> 8));
    set_cmos(0x5D, static_cast<u8>(high >> 16));
}

i64 Mc146818::guest_time() const {
    std::lock_guard lock(m_mutex);
    return m_held ? seconds_from(*m_held) : floor_div(guest_ns_locked(), kNsPerSecond);
}

bool Mc146818::nmi_masked() const {
    std::lock_guard lock(m_mutex);
    return m_nmi_masked;
}

bool Mc146818::irq_level() const {
    std::lock_guard lock(m_mutex);
    return m_irq_level;
}

Result<void> Mc146818::attach(Bus& pio, std::shared_ptr<Mc146818> rtc) {
    return attach_byte_registers(pio, kPort, kPortCount, "mc146818", std::move(rtc));
}

} // namespace kite::devices
