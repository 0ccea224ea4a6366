#include "devices/i8254/i8254.h"

#include "base/clock.h"
#include "bus/register_device.h"

namespace kite::devices {

namespace {

constexpr u64 kNsPerSecond = 1'000'000'000;
constexpr u8 kReadBack = 3;     // control word SC field
constexpr u8 kLatchCommand = 0; // control word RW field
constexpr u8 kReadBackNoCount = 0x20;
constexpr u8 kReadBackNoStatus = 0x10;
constexpr u8 kStatusOut = 0x80;
constexpr u8 kStatusNullCount = 0x40;

// Modes 6 and 7 are modes 2 and 3.
u8 effective_mode(u8 mode) {
    return mode > 5 ? static_cast<u8>(mode - 4) : mode;
}

bool gate_triggered(u8 mode) {
    return mode == 1 || mode == 5;
}

u16 to_bcd(u32 value) {
    return static_cast<u16>((value % 10) | (value / 10 % 10) << 4 | (value / 100 % 10) << 8 |
                            (value / 1000 % 10) << 12);
}

u32 from_bcd(u16 value) {
    return (value & 0xF) + ((value >> 4) & 0xF) * 10 + ((value >> 8) & 0xF) * 100 +
           ((value >> 12) & 0xF) * 1000;
}

} // namespace

I8254::I8254(std::shared_ptr<IrqLine> irq0, Clock now_ns)
    : m_irq0(std::move(irq0)), m_now_ns(now_ns ? std::move(now_ns) : Clock(&monotonic_ns)),
      m_epoch_ns(m_now_ns()) {
    m_channels[2].gate = false; // port B bit 0 starts clear
}

u64 I8254::ticks_locked() const {
    auto ns = static_cast<unsigned __int128>(m_now_ns() - m_epoch_ns);
    return static_cast<u64>(ns * kFrequencyHz / kNsPerSecond);
}

std::optional<u64> I8254::elapsed(const Channel& c, u64 now) const {
    if (!c.loaded || (gate_triggered(effective_mode(c.mode)) && !c.armed))
        return std::nullopt;
    if (c.frozen)
        return c.frozen;
    return now >= c.start ? now - c.start : 0;
}

bool I8254::out_at(const Channel& c, u64 now) const {
    u8 mode = effective_mode(c.mode);
    auto e = elapsed(c, now);
    if (!e)
        return mode != 0; // after the control word OUT is low in mode 0, high otherwise
    u64 n = c.reload;
    switch (mode) {
    case 0:
    case 1:
        return *e >= n;
    case 2:
        return !c.gate || n == 1 || *e % n != n - 1; // low for the clock before each reload
    case 3:
        return !c.gate || *e % n < (n + 1) / 2; // the longer half high for odd counts
    default:
        return *e != n; // modes 4 and 5: one clock low at terminal count
    }
}

u16 I8254::count_at(const Channel& c, u64 now) const {
    u64 modulus = c.bcd ? 10000 : 65536;
    u64 n = c.reload;
    auto e = elapsed(c, now);
    if (!e)
        return static_cast<u16>(n % modulus);
    u64 value = 0;
    switch (effective_mode(c.mode)) {
    case 2:
        value = n - *e % n; // n .. 1
        break;
    case 3: {
        // Counts down by two through each half period.
        u64 phase = *e % n, high = (n + 1) / 2;
        value = (n & ~u64{1}) - 2 * (phase < high ? phase : phase - high);
        break;
    }
    default: // 0, 1, 4, 5: down from n, wrapping past zero
        value = n % modulus + modulus - *e % modulus;
        break;
    }
    return static_cast<u16>(value % modulus);
}

u64 I8254::edges_at(const Channel& c, u64 now) const {
    auto e = elapsed(c, now);
    if (!e)
        return 0;
    u64 n = c.reload;
    switch (effective_mode(c.mode)) {
    case 0:
    case 1:
        return *e >= n ? 1 : 0;
    case 2:
    case 3:
        return *e / n;
    default:
        return *e >= n + 1 ? 1 : 0;
    }
}

std::optional<u64> I8254::next_edge_tick(const Channel& c) const {
    if (!c.loaded || c.frozen || (gate_triggered(effective_mode(c.mode)) && !c.armed))
        return std::nullopt;
    u64 n = c.reload;
    switch (effective_mode(c.mode)) {
    case 0:
    case 1:
        return c.edges_seen == 0 ? std::optional<u64>(c.start + n) : std::nullopt;
    case 2:
    case 3:
        return c.start + (c.edges_seen + 1) * n;
    default:
        return c.edges_seen == 0 ? std::optional<u64>(c.start + n + 1) : std::nullopt;
    }
}

u8 I8254::status_at(const Channel& c, u64 now) const {
    return static_cast<u8>((out_at(c, now) ? kStatusOut : 0) | (c.null_count ? kStatusNullCount : 0) |
                           c.access << 4 | c.mode << 1 | (c.bcd ? 1 : 0));
}

void I8254::restart(Channel& c, u64 now) {
    c.start = now;
    c.edges_seen = 0;
    // Without its gate a channel holds its count (modes 1 and 5 wait for a gate edge instead).
    if (c.gate || gate_triggered(effective_mode(c.mode)))
        c.frozen.reset();
    else
        c.frozen = 0;
}

void I8254::write_control(u8 value, u64 now) {
    u8 select = value >> 6;
    if (select == kReadBack) {
        read_back(value, now);
        return;
    }
    Channel& c = m_channels[select];
    u8 access = (value >> 4) & 3;
    if (access == kLatchCommand) {
        if (!c.latched_count) { // a second latch before the first is read is ignored
            u16 count = count_at(c, now);
            c.latched_count = c.bcd ? to_bcd(count) : count;
            c.latched_high_next = false;
        }
        return;
    }
    c.access = access;
    c.mode = (value >> 1) & 7;
    c.bcd = (value & 1) != 0;
    c.loaded = false;
    c.armed = false;
    c.null_count = true;
    c.write_high_next = false;
    c.read_high_next = false;
    c.latched_count.reset();
    c.latched_status.reset();
    c.frozen.reset();
    c.edges_seen = 0;
}

void I8254::read_back(u8 value, u64 now) {
    for (unsigned i = 0; i < 3; ++i) {
        if (!(value & (2u << i)))
            continue;
        Channel& c = m_channels[i];
        if (!(value & kReadBackNoStatus) && !c.latched_status)
            c.latched_status = status_at(c, now);
        if (!(value & kReadBackNoCount) && !c.latched_count) {
            u16 count = count_at(c, now);
            c.latched_count = c.bcd ? to_bcd(count) : count;
            c.latched_high_next = false;
        }
    }
}

void I8254::write_count(Channel& c, u8 value, u64 now) {
    u16 raw = 0;
    switch (c.access) {
    case 1:
        raw = value;
        break;
    case 2:
        raw = static_cast<u16>(value << 8);
        break;
    default:
        if (!c.write_high_next) {
            c.write_low = value;
            c.write_high_next = true;
            return;
        }
        c.write_high_next = false;
        raw = static_cast<u16>(c.write_low | value << 8);
        break;
    }
    u32 n = c.bcd ? from_bcd(raw) : raw;
    c.reload = n != 0 ? n : (c.bcd ? 10000 : 65536);
    c.null_count = false; // the count reaches the counting element at once
    bool was_loaded = c.loaded;
    c.loaded = true;
    // A one-shot (modes 1 and 5) waits for its gate; a new count does not
    // disturb one already running. The others start counting now.
    if (!gate_triggered(effective_mode(c.mode)))
        restart(c, now);
    else if (!was_loaded)
        c.armed = false;
}

u8 I8254::read_count(Channel& c, u64 now) {
    if (c.latched_status) {
        u8 status = *c.latched_status;
        c.latched_status.reset();
        return status;
    }
    auto byte = [](u16 v, bool high) { return static_cast<u8>(high ? v >> 8 : v); };
    if (c.latched_count) {
        u16 v = *c.latched_count;
        bool high = c.access == 2 || (c.access == 3 && c.latched_high_next);
        if (c.access == 3 && !c.latched_high_next)
            c.latched_high_next = true;
        else
            c.latched_count.reset();
        return byte(v, high);
    }
    u16 count = count_at(c, now);
    u16 v = c.bcd ? to_bcd(count) : count;
    bool high = c.access == 2 || (c.access == 3 && c.read_high_next);
    if (c.access == 3)
        c.read_high_next = !c.read_high_next;
    return byte(v, high);
}

void I8254::set_gate(Channel& c, bool level, u64 now) {
    if (level == c.gate)
        return;
    c.gate = level;
    if (!c.loaded)
        return;
    u8 mode = effective_mode(c.mode);
    if (!level) {
        if (!gate_triggered(mode) && !c.frozen)
            c.frozen = now >= c.start ? now - c.start : 0; // counting stops
        return;
    }
    if (mode == 0 || mode == 4) {
        if (c.frozen)
            c.start = now - *c.frozen; // counting resumes where it stopped
        c.frozen.reset();
    } else {
        if (gate_triggered(mode))
            c.armed = true;
        restart(c, now); // modes 1, 2, 3, 5: a rising gate (re)starts the count
    }
}

u8 I8254::read(u8 offset) {
    std::lock_guard lock(m_mutex);
    if (offset >= 3)
        return 0xFF; // the control word is write-only
    return read_count(m_channels[offset], ticks_locked());
}

void I8254::write(u8 offset, u8 value) {
    std::lock_guard lock(m_mutex);
    u64 now = ticks_locked();
    if (offset < 3)
        write_count(m_channels[offset], value, now);
    else
        write_control(value, now);
    update_locked();
}

u8 I8254::read_port_b() {
    std::lock_guard lock(m_mutex);
    u64 refresh = (m_now_ns() - m_epoch_ns) / kRefreshPeriodNs;
    return static_cast<u8>((m_port_b & 0x0F) | ((refresh & 1) ? kPortBRefresh : 0) |
                           (out_at(m_channels[2], ticks_locked()) ? kPortBOut2 : 0));
}

void I8254::write_port_b(u8 value) {
    std::lock_guard lock(m_mutex);
    m_port_b = value & 0x0F;
    set_gate(m_channels[2], (value & kPortBGate2) != 0, ticks_locked());
}

void I8254::update() {
    std::lock_guard lock(m_mutex);
    update_locked();
}

void I8254::update_locked() {
    Channel& c = m_channels[0];
    u64 now = ticks_locked();
    u64 edges = edges_at(c, now);
    bool level = out_at(c, now);
    auto drive = [this](bool l) {
        m_irq0_level = l;
        if (m_irq0)
            m_irq0->set_level(l);
    };
    if (edges > c.edges_seen) {
        // One low-high transition for the edges since the last update, however
        // many: a PIC would have merged them too.
        c.edges_seen = edges;
        if (m_irq0_level)
            drive(false);
        drive(true);
    }
    if (level != m_irq0_level)
        drive(level);
}

std::optional<u64> I8254::next_deadline_ns() const {
    std::lock_guard lock(m_mutex);
    const Channel& c = m_channels[0];
    u64 now = ticks_locked();
    if (edges_at(c, now) > c.edges_seen)
        return m_now_ns();
    auto tick = next_edge_tick(c);
    if (!tick)
        return std::nullopt;
    // The first nanosecond at which the tick count reaches `tick`.
    unsigned __int128 ns =
        (static_cast<unsigned __int128>(*tick) * kNsPerSecond + kFrequencyHz - 1) / kFrequencyHz;
    ns += m_epoch_ns;
    if (ns > ~u64{0})
        return std::nullopt;
    return static_cast<u64>(ns);
}

bool I8254::out(unsigned channel) const {
    std::lock_guard lock(m_mutex);
    return channel < 3 && out_at(m_channels[channel], ticks_locked());
}

bool I8254::irq0_level() const {
    std::lock_guard lock(m_mutex);
    return m_irq0_level;
}

Result<void> I8254::attach(Bus& pio, std::shared_ptr<I8254> pit) {
    TRY(attach_byte_registers(pio, kPort, kPortCount, "i8254", pit));
    auto port_b = std::make_shared<RegisterDevice>(
        RegisterDevice::Layout{.name = "port 0x61", .length = 1},
        [pit](u64, unsigned) -> u64 { return pit->read_port_b(); },
        [pit](u64, unsigned, u64 value) { pit->write_port_b(static_cast<u8>(value)); });
    return pio.insert(kPortB, 1, std::move(port_b), "port 0x61");
}

} // namespace kite::devices
