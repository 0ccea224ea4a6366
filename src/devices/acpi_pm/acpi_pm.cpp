#include "devices/acpi_pm/acpi_pm.h"

#include "base/clock.h"
#include "base/log.h"

namespace kite::devices {

namespace {

constexpr u64 kNsPerSecond = 1'000'000'000;
constexpr unsigned kTimerStatusBit = 31; // TMR_STS follows this bit of the 32-bit timer (TMR_VAL_EXT)
constexpr u16 kStsWritable = AcpiPm::kStsTimer | AcpiPm::kStsPowerButton | AcpiPm::kStsWake;
constexpr u16 kEnWritable =
    AcpiPm::kEnTimer | AcpiPm::kEnGlobal | AcpiPm::kEnPowerButton | AcpiPm::kEnSleepButton | AcpiPm::kEnRtc;

} // namespace

AcpiPm::AcpiPm(std::shared_ptr<IrqLine> sci, u8 s5_sleep_type, PowerOff power_off, Clock now_ns)
    : m_sci(std::move(sci)), m_s5_sleep_type(s5_sleep_type), m_power_off(std::move(power_off)),
      m_now_ns(now_ns ? std::move(now_ns) : Clock(&monotonic_ns)), m_epoch_ns(m_now_ns()) {}

u64 AcpiPm::ticks_locked() const {
    auto ns = static_cast<unsigned __int128>(m_now_ns() - m_epoch_ns);
    return static_cast<u64>(ns * kTimerHz / kNsPerSecond);
}

u16 AcpiPm::status_locked() const {
    bool timer = (ticks_locked() >> kTimerStatusBit) != m_timer_half;
    return static_cast<u16>(m_status | (timer ? kStsTimer : 0));
}

void AcpiPm::update_sci_locked() {
    bool level = (status_locked() & m_enable) != 0;
    if (level == m_sci_level)
        return;
    m_sci_level = level;
    if (m_sci)
        m_sci->set_level(level);
}

u16 AcpiPm::read_status() {
    std::lock_guard lock(m_mutex);
    return status_locked();
}

void AcpiPm::write_status(u16 value) {
    std::lock_guard lock(m_mutex);
    value &= kStsWritable;
    if (value & kStsTimer)
        m_timer_half = ticks_locked() >> kTimerStatusBit;
    m_status &= static_cast<u16>(~value);
    update_sci_locked();
}

u16 AcpiPm::read_enable() {
    std::lock_guard lock(m_mutex);
    return m_enable;
}

void AcpiPm::write_enable(u16 value) {
    std::lock_guard lock(m_mutex);
    m_enable = value & kEnWritable;
    update_sci_locked();
}

u16 AcpiPm::read_control() {
    std::lock_guard lock(m_mutex);
    return static_cast<u16>(kCntSciEnable | m_sleep_type);
}

void AcpiPm::write_control(u16 value) {
    u16 type = value & kCntSleepTypeMask;
    bool power_off = false;
    {
        std::lock_guard lock(m_mutex);
        m_sleep_type = type;
        if (!(value & kCntSleepEnable))
            return;
        if (type >> kCntSleepTypeShift == m_s5_sleep_type) {
            power_off = true;
        } else if (log::worth_logging(++m_ignored_sleeps)) {
            log::warn("acpi-pm: ignoring sleep type {} (only S5, type {}, is offered) ({} times)",
                      type >> kCntSleepTypeShift, m_s5_sleep_type, m_ignored_sleeps);
        }
    }
    if (power_off && m_power_off)
        m_power_off();
}

u32 AcpiPm::read_timer() {
    std::lock_guard lock(m_mutex);
    return static_cast<u32>(ticks_locked());
}

void AcpiPm::press_power_button() {
    std::lock_guard lock(m_mutex);
    m_status |= kStsPowerButton;
    update_sci_locked();
}

void AcpiPm::update() {
    std::lock_guard lock(m_mutex);
    update_sci_locked();
}

std::optional<u64> AcpiPm::next_deadline_ns() const {
    std::lock_guard lock(m_mutex);
    if (!(m_enable & kEnTimer) || (status_locked() & kStsTimer))
        return std::nullopt;
    // The first tick of the next half-period, rounded up to a whole nanosecond.
    auto tick = static_cast<unsigned __int128>(m_timer_half + 1) << kTimerStatusBit;
    return m_epoch_ns + static_cast<u64>((tick * kNsPerSecond + kTimerHz - 1) / kTimerHz);
}

bool AcpiPm::sci_level() const {
    std::lock_guard lock(m_mutex);
    return m_sci_level;
}

u64 AcpiPm::ignored_sleep_count() const {
    std::lock_guard lock(m_mutex);
    return m_ignored_sleeps;
}

} // namespace kite::devices
