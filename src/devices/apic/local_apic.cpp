#include "devices/apic/local_apic.h"

#include "base/assert.h"
#include "base/clock.h"
#include "base/le_bytes.h"
#include "base/log.h"
#include "devices/apic/apic_bus.h"

#include <algorithm>
#include <bit>

namespace kite::devices {

namespace {

constexpr u64 kNsPerSecond = 1'000'000'000;

// Writable bits of each register.
constexpr u32 kSvrWritable = 0x13FF; // vector, enable, focus check, EOI-broadcast suppression
constexpr u32 kIcrLowWritable = 0x000C'CFFF; // vector, delivery and destination mode, level, trigger, shorthand
constexpr u32 kDivideWritable = 0xB;
constexpr std::array<u32, 6> kLvtWritable = {
    0x0007'00FF, // timer: vector, mask, mode
    0x0001'07FF, // thermal: vector, delivery mode, mask
    0x0001'07FF, // performance counter
    0x0001'A7FF, // LINT0: vector, delivery mode, polarity, trigger, mask
    0x0001'A7FF, // LINT1
    0x0001'00FF, // error: vector, mask
};

constexpr u32 lvt_offset(unsigned lvt) {
    return LocalApic::kLvtTimer + 0x10 * lvt;
}

DeliveryMode lvt_delivery(u32 lvt) {
    return static_cast<DeliveryMode>((lvt >> 8) & 7);
}

u64 mul_div(u64 a, u64 b, u64 c) {
    return static_cast<u64>(static_cast<unsigned __int128>(a) * b / c);
}

u64 mul_div_ceil(u64 a, u64 b, u64 c) {
    unsigned __int128 product = static_cast<unsigned __int128>(a) * b;
    return static_cast<u64>((product + c - 1) / c);
}

} // namespace

LocalApic::LocalApic(LocalApicConfig config, LocalApicCallbacks callbacks)
    : m_config(std::move(config)), m_callbacks(std::move(callbacks)),
      m_now_ns(m_config.now_ns ? m_config.now_ns : std::function<u64()>(&monotonic_ns)), m_epoch_ns(m_now_ns()),
      m_base(kDefaultBase | kBaseEnable | (m_config.bootstrap ? kBaseBsp : 0)), m_id(m_config.apic_id) {
    KITE_ASSERT(m_config.timer_hz > 0, "local APIC timer frequency is 0");
    reset_registers_locked();
}

// --- bit arrays --------------------------------------------------------------

void LocalApic::assign(Bits256& bits, unsigned vector, bool value) {
    u32 mask = u32{1} << (vector % 32);
    if (value)
        bits[vector / 32] |= mask;
    else
        bits[vector / 32] &= ~mask;
}

int LocalApic::highest(const Bits256& bits) {
    for (int word = 7; word >= 0; --word) {
        if (bits[word] != 0)
            return word * 32 + std::bit_width(bits[word]) - 1;
    }
    return -1;
}

// --- state -------------------------------------------------------------------

void LocalApic::reset_registers_locked() {
    m_tpr = 0;
    m_ldr = 0;
    m_dfr = 0xFFFF'FFFF;
    m_svr = 0xFF;
    m_esr = 0;
    m_esr_pending = 0;
    m_icr_low = 0;
    m_icr_high = 0;
    m_lvt.fill(kLvtMasked);
    m_irr = {};
    m_isr = {};
    m_tmr = {};
    m_nmi_pending = false;
    m_extint_message = false;
    m_timer_initial = 0;
    m_timer_divide = 0;
    m_counter_running = false;
    m_tsc_deadline = 0;
    if (m_base & kBaseX2apic)
        m_ldr = ((m_id >> 4) << 16) | (1u << (m_id & 0xF));
}

void LocalApic::init_reset() {
    Outbox out;
    {
        std::lock_guard lock(m_mutex);
        reset_registers_locked();
        refresh_hint_locked(out);
    }
    flush(out);
}

void LocalApic::refresh_hint_locked(Outbox& out) {
    bool hint = m_nmi_pending || extint_pending_locked() || pending_vector_locked().has_value();
    bool was = m_hint.exchange(hint, std::memory_order_acq_rel);
    // Wake on a rise, and on any arrival: a vCPU halted with IF clear sleeps
    // through a pending vector but not through a new NMI.
    if (hint && (!was || m_arrival))
        out.wake = true;
    m_arrival = false;
}

void LocalApic::flush(Outbox& out) {
    if (out.ipi && m_bus)
        m_bus->send_ipi(*out.ipi, *this);
    if (out.eoi_broadcast && m_bus)
        m_bus->broadcast_eoi(*out.eoi_broadcast);
    if (out.init && m_callbacks.init)
        m_callbacks.init();
    if (out.startup && m_callbacks.startup)
        m_callbacks.startup(*out.startup);
    if (out.wake && m_callbacks.wake)
        m_callbacks.wake();
}

u32 LocalApic::apic_id() const {
    std::lock_guard lock(m_mutex);
    return m_id;
}

bool LocalApic::software_enabled() const {
    std::lock_guard lock(m_mutex);
    return (m_base & kBaseEnable) && (m_svr & kSvrEnable);
}

u64 LocalApic::apic_base() const {
    std::lock_guard lock(m_mutex);
    return m_base;
}

bool LocalApic::mmio_enabled() const {
    std::lock_guard lock(m_mutex);
    return (m_base & kBaseEnable) && !(m_base & kBaseX2apic);
}

u64 LocalApic::mmio_base() const {
    std::lock_guard lock(m_mutex);
    return m_base & kBaseAddressMask;
}

bool LocalApic::x2apic_mode() const {
    std::lock_guard lock(m_mutex);
    return (m_base & kBaseX2apic) != 0;
}

bool LocalApic::set_apic_base(u64 value) {
    constexpr u64 kWritable = kBaseAddressMask | kBaseEnable | kBaseX2apic | kBaseBsp;
    if (value & ~kWritable)
        return false;
    Outbox out;
    {
        std::lock_guard lock(m_mutex);
        bool old_enabled = m_base & kBaseEnable, old_x2 = m_base & kBaseX2apic;
        bool enabled = value & kBaseEnable, x2 = value & kBaseX2apic;
        if (x2 && !enabled)
            return false; // x2APIC without the global enable is reserved
        if (old_x2 && enabled && !x2)
            return false; // x2APIC -> xAPIC must go through disabled
        if (!old_enabled && x2)
            return false; // disabled -> x2APIC must go through xAPIC
        // The BSP flag is the processor's, not software's.
        m_base = (value & ~kBaseBsp) | (m_base & kBaseBsp);
        if (!enabled && old_enabled) {
            // A hardware disable is a power-up reset of the registers.
            m_id = m_config.apic_id;
            reset_registers_locked();
        } else if (x2 && !old_x2) {
            m_id = m_config.apic_id;
            m_ldr = ((m_id >> 4) << 16) | (1u << (m_id & 0xF));
        }
        refresh_hint_locked(out);
    }
    flush(out);
    return true;
}

// --- priorities and acceptance -----------------------------------------------

u8 LocalApic::ppr_locked() const {
    int isrv = std::max(highest(m_isr), 0);
    if ((m_tpr >> 4) >= (static_cast<u32>(isrv) >> 4))
        return static_cast<u8>(m_tpr);
    return static_cast<u8>(isrv & 0xF0);
}

u8 LocalApic::apr_locked() const {
    u32 isrv = static_cast<u32>(std::max(highest(m_isr), 0));
    u32 irrv = static_cast<u32>(std::max(highest(m_irr), 0));
    u32 top = std::max(isrv, irrv) & 0xF0;
    if ((m_tpr & 0xF0) >= top)
        return static_cast<u8>(m_tpr);
    return static_cast<u8>(top);
}

u8 LocalApic::arbitration_priority() const {
    std::lock_guard lock(m_mutex);
    return apr_locked();
}

std::optional<u8> LocalApic::pending_vector_locked() const {
    if (!(m_base & kBaseEnable))
        return std::nullopt;
    int irrv = highest(m_irr);
    if (irrv < 0 || static_cast<u32>(irrv & 0xF0) <= static_cast<u32>(ppr_locked() & 0xF0))
        return std::nullopt;
    return static_cast<u8>(irrv);
}

std::optional<u8> LocalApic::pending_vector() {
    std::lock_guard lock(m_mutex);
    return pending_vector_locked();
}

bool LocalApic::lint_asserted_locked(unsigned pin) const {
    bool active_low = m_lvt[lvt_lint0 + pin] & kLvtActiveLow;
    return m_lint_level[pin] != active_low;
}

bool LocalApic::extint_pending_locked() const {
    if (!(m_base & kBaseEnable))
        return m_lint_level[0]; // a disabled APIC passes LINT0 through as INTR
    if (m_extint_message)
        return true;
    u32 lvt = m_lvt[lvt_lint0];
    return !(lvt & kLvtMasked) && lvt_delivery(lvt) == DeliveryMode::extint && lint_asserted_locked(0);
}

bool LocalApic::extint_pending() {
    std::lock_guard lock(m_mutex);
    return extint_pending_locked();
}

bool LocalApic::accept_fixed_locked(u8 vector, bool level_triggered) {
    if (vector < 16) {
        raise_error_locked(kEsrReceiveIllegalVector);
        return false;
    }
    assign(m_irr, vector, true);
    assign(m_tmr, vector, level_triggered);
    m_arrival = true;
    return true;
}

void LocalApic::raise_error_locked(u32 esr_bit) {
    m_esr_pending |= esr_bit;
    u32 lvt = m_lvt[lvt_error];
    u8 vector = static_cast<u8>(lvt);
    // An illegal error vector would report itself forever: drop it.
    if (!(lvt & kLvtMasked) && vector >= 16) {
        assign(m_irr, vector, true);
        assign(m_tmr, vector, false);
    }
}

void LocalApic::deliver_lvt_locked(Lvt lvt) {
    u32 entry = m_lvt[lvt];
    if (entry & kLvtMasked)
        return;
    switch (lvt_delivery(entry)) {
    case DeliveryMode::fixed:
        accept_fixed_locked(static_cast<u8>(entry), false);
        break;
    case DeliveryMode::nmi:
        m_nmi_pending = m_arrival = true;
        break;
    default:
        break; // SMI and the rest: not modelled
    }
}

bool LocalApic::receive_locked(const ApicMessage& message, Outbox& out) {
    if (!(m_base & kBaseEnable))
        return false;
    bool sw_enabled = m_svr & kSvrEnable;
    switch (message.delivery) {
    case DeliveryMode::fixed:
    case DeliveryMode::lowest_priority:
        // A software-disabled APIC holds what it has but accepts nothing new.
        return sw_enabled && accept_fixed_locked(message.vector, message.level_triggered);
    case DeliveryMode::nmi:
        m_nmi_pending = m_arrival = true;
        return true;
    case DeliveryMode::init:
        if (message.level_triggered && !message.assert_level)
            return true; // INIT level de-assert: only synchronises arbitration IDs
        out.init = true;
        return true;
    case DeliveryMode::startup:
        out.startup = message.vector;
        return true;
    case DeliveryMode::extint:
        m_extint_message = m_arrival = true;
        return true;
    case DeliveryMode::smi:
        log::debug("lapic {}: SMI ignored", m_id);
        return true;
    }
    return false;
}

bool LocalApic::receive(const ApicMessage& message) {
    Outbox out;
    bool accepted;
    {
        std::lock_guard lock(m_mutex);
        accepted = receive_locked(message, out);
        refresh_hint_locked(out);
    }
    flush(out);
    return accepted;
}

bool LocalApic::addressed_by(const ApicMessage& message) const {
    std::lock_guard lock(m_mutex);
    if (!(m_base & kBaseEnable))
        return false;
    bool x2 = m_base & kBaseX2apic;
    u32 dest = message.destination;
    if (!message.x2apic_destination) {
        dest &= 0xFF;
        if (dest == ApicMessage::kXapicBroadcast)
            return true;
    } else if (dest == ApicMessage::kX2apicBroadcast) {
        return true;
    }
    if (!message.logical)
        return dest == (x2 ? m_id : (m_id & 0xFF));
    if (x2) // cluster in bits 31:16 (15:4 of an 8-bit destination), member bitmap in 15:0
        return message.x2apic_destination ? ((dest >> 16) == (m_ldr >> 16) && (dest & m_ldr & 0xFFFF) != 0)
                                          : ((dest >> 4) == (m_ldr >> 16) && (dest & m_ldr & 0xF) != 0);
    u32 logical_id = m_ldr >> 24;
    if ((m_dfr >> 28) == 0xF) // flat: an 8-bit mask
        return (dest & logical_id) != 0;
    // cluster: cluster number in bits 7:4, member bitmap in 3:0
    return (dest >> 4) == (logical_id >> 4) && (dest & logical_id & 0xF) != 0;
}

u8 LocalApic::acknowledge() {
    ExtIntController* pic = nullptr;
    u8 vector = 0;
    Outbox out;
    {
        std::lock_guard lock(m_mutex);
        if (extint_pending_locked()) {
            pic = m_pic;
            vector = static_cast<u8>(m_svr); // without a PIC: spurious
            m_extint_message = false;
        } else if (auto pending = pending_vector_locked()) {
            vector = *pending;
            assign(m_irr, vector, false);
            assign(m_isr, vector, true);
        } else {
            vector = static_cast<u8>(m_svr);
        }
        refresh_hint_locked(out);
    }
    flush(out);
    // The PIC's acknowledge may lower LINT0, which takes our lock: call it without.
    return pic ? pic->acknowledge_interrupt() : vector;
}

bool LocalApic::take_nmi() {
    Outbox out;
    bool taken;
    {
        std::lock_guard lock(m_mutex);
        taken = m_nmi_pending;
        m_nmi_pending = false;
        refresh_hint_locked(out);
    }
    flush(out);
    return taken;
}

void LocalApic::set_extint_controller(ExtIntController* pic) {
    std::lock_guard lock(m_mutex);
    m_pic = pic;
}

void LocalApic::eoi_locked(Outbox& out) {
    int isrv = highest(m_isr);
    if (isrv < 0)
        return;
    u8 vector = static_cast<u8>(isrv);
    assign(m_isr, vector, false);
    if (!test(m_tmr, vector))
        return;
    if (!(m_svr & kSvrSuppressEoiBroadcast))
        out.eoi_broadcast = vector;
    // A level-triggered fixed LINT input waits for this EOI too.
    for (unsigned pin = 0; pin < 2; ++pin) {
        u32& lvt = m_lvt[lvt_lint0 + pin];
        if ((lvt & kLvtRemoteIrr) && static_cast<u8>(lvt) == vector) {
            lvt &= ~kLvtRemoteIrr;
            evaluate_lint_locked(pin, false, out);
        }
    }
}

void LocalApic::eoi() {
    Outbox out;
    {
        std::lock_guard lock(m_mutex);
        eoi_locked(out);
        refresh_hint_locked(out);
    }
    flush(out);
}

// --- LINT pins ---------------------------------------------------------------

void LocalApic::evaluate_lint_locked(unsigned pin, bool rising_edge, Outbox& out) {
    if (!(m_base & kBaseEnable)) {
        // Disabled: LINT0 is INTR (see extint_pending_locked) and LINT1 is NMI.
        if (pin == 1 && rising_edge)
            m_nmi_pending = m_arrival = true;
        return;
    }
    u32& lvt = m_lvt[lvt_lint0 + pin];
    if (lvt & kLvtMasked)
        return;
    bool asserted = lint_asserted_locked(pin);
    switch (lvt_delivery(lvt)) {
    case DeliveryMode::fixed:
        if (lvt & kLvtLevelTriggered) {
            if (asserted && !(lvt & kLvtRemoteIrr) && accept_fixed_locked(static_cast<u8>(lvt), true))
                lvt |= kLvtRemoteIrr;
        } else if (rising_edge) {
            accept_fixed_locked(static_cast<u8>(lvt), false);
        }
        break;
    case DeliveryMode::nmi: // always edge-triggered
        if (rising_edge)
            m_nmi_pending = m_arrival = true;
        break;
    case DeliveryMode::init:
        if (rising_edge)
            out.init = true;
        break;
    default:
        break; // ExtINT is sampled by extint_pending_locked(); SMI is not modelled
    }
}

void LocalApic::set_lint(unsigned pin, bool level) {
    if (pin > 1)
        return;
    Outbox out;
    {
        std::lock_guard lock(m_mutex);
        bool was_asserted = (m_base & kBaseEnable) ? lint_asserted_locked(pin) : m_lint_level[pin];
        m_lint_level[pin] = level;
        bool asserted = (m_base & kBaseEnable) ? lint_asserted_locked(pin) : level;
        m_arrival |= asserted && !was_asserted;
        evaluate_lint_locked(pin, asserted && !was_asserted, out);
        refresh_hint_locked(out);
    }
    flush(out);
}

// --- registers ---------------------------------------------------------------

u32 LocalApic::read_register_locked(u32 offset, u64 now) {
    if (offset % 16 != 0 || offset >= kLength) {
        raise_error_locked(kEsrIllegalRegister);
        return 0;
    }
    switch (offset) {
    case kId:
        return (m_base & kBaseX2apic) ? m_id : m_id << 24;
    case kVersion:
        return kVersionValue;
    case kTpr:
        return m_tpr;
    case kApr:
        return apr_locked();
    case kPpr:
        return ppr_locked();
    case kEoi:
    case kRrd:
        return 0;
    case kLdr:
        return m_ldr;
    case kDfr:
        return m_dfr;
    case kSvr:
        return m_svr;
    case kEsr:
        return m_esr;
    case kIcrLow:
        return m_icr_low; // delivery status (bit 12) always reads idle: delivery is immediate
    case kIcrHigh:
        return m_icr_high;
    case kTimerInitial:
        return m_timer_initial;
    case kTimerCurrent:
        return current_count_locked(now);
    case kTimerDivide:
        return m_timer_divide;
    default:
        break;
    }
    if (offset >= kIsr && offset < kIrr + 0x80) {
        unsigned word = (offset & 0x7F) >> 4;
        if (offset < kTmr)
            return m_isr[word];
        return offset < kIrr ? m_tmr[word] : m_irr[word];
    }
    if (offset >= kLvtTimer && offset <= kLvtError)
        return m_lvt[(offset - kLvtTimer) >> 4];
    raise_error_locked(kEsrIllegalRegister);
    return 0;
}

void LocalApic::write_register_locked(u32 offset, u32 value, u64 now, Outbox& out) {
    if (offset % 16 != 0 || offset >= kLength) {
        raise_error_locked(kEsrIllegalRegister);
        return;
    }
    switch (offset) {
    case kId:
        m_id = value >> 24;
        return;
    case kTpr:
        m_tpr = value & 0xFF;
        return;
    case kEoi:
        eoi_locked(out);
        return;
    case kLdr:
        m_ldr = value & 0xFF00'0000;
        return;
    case kDfr:
        m_dfr = (value & 0xF000'0000) | 0x0FFF'FFFF;
        return;
    case kSvr:
        write_svr_locked(value);
        return;
    case kEsr:
        m_esr = m_esr_pending;
        m_esr_pending = 0;
        return;
    case kIcrLow:
        m_icr_low = value & kIcrLowWritable;
        send_icr_locked(m_icr_low, m_icr_high >> 24, false, out);
        return;
    case kIcrHigh:
        m_icr_high = value & 0xFF00'0000;
        return;
    case kTimerInitial:
        if (timer_mode_locked() == kTimerTscDeadline)
            return;
        m_timer_initial = value;
        start_counter_locked(now, 0);
        return;
    case kTimerDivide: {
        u32 mode = timer_mode_locked();
        bool running = m_counter_running && mode != kTimerTscDeadline;
        u64 done = running ? m_timer_initial - current_count_locked(now) : 0;
        m_timer_divide = value & kDivideWritable;
        if (running)
            start_counter_locked(now, done); // keep the count, change the rate
        return;
    }
    case kVersion:
    case kApr:
    case kPpr:
    case kRrd:
    case kTimerCurrent:
        return; // read-only
    default:
        break;
    }
    if (offset >= kIsr && offset < kIrr + 0x80)
        return; // read-only
    if (offset >= kLvtTimer && offset <= kLvtError) {
        write_lvt_locked(static_cast<Lvt>((offset - kLvtTimer) >> 4), value, out);
        return;
    }
    raise_error_locked(kEsrIllegalRegister);
}

void LocalApic::write_svr_locked(u32 value) {
    m_svr = value & kSvrWritable;
    if (!(m_svr & kSvrEnable)) {
        for (u32& lvt : m_lvt) // software disable masks every LVT entry
            lvt |= kLvtMasked;
    }
}

void LocalApic::write_lvt_locked(Lvt lvt, u32 value, Outbox& out) {
    u32 entry = (value & kLvtWritable[lvt]) | (m_lvt[lvt] & kLvtRemoteIrr);
    if (!(m_svr & kSvrEnable))
        entry |= kLvtMasked; // cannot be unmasked while software-disabled
    if (lvt == lvt_timer) {
        u32 mode = entry & (3u << 17);
        if (mode == kTimerTscDeadline && m_config.tsc_hz == 0)
            entry &= ~(3u << 17); // no TSC-deadline mode on offer: the bits read as one-shot
        if ((entry & (3u << 17)) != (m_lvt[lvt] & (3u << 17))) {
            // A mode change disarms the timer.
            m_counter_running = false;
            m_timer_initial = 0;
            m_tsc_deadline = 0;
        }
    }
    if (lvt == lvt_lint0 || lvt == lvt_lint1) {
        if (!(entry & kLvtLevelTriggered) || lvt_delivery(entry) != DeliveryMode::fixed)
            entry &= ~kLvtRemoteIrr;
    }
    m_lvt[lvt] = entry;
    if (lvt == lvt_lint0 || lvt == lvt_lint1)
        evaluate_lint_locked(lvt - lvt_lint0, false, out); // a held level may now deliver
}

void LocalApic::send_icr_locked(u32 low, u32 destination, bool x2apic, Outbox& out) {
    if (((low >> 8) & 7) == 3) {
        log::debug("lapic {}: dropping an IPI with the reserved delivery mode 3", m_id);
        return;
    }
    ApicMessage message;
    message.vector = static_cast<u8>(low);
    message.delivery = static_cast<DeliveryMode>((low >> 8) & 7);
    message.logical = (low >> 11) & 1;
    message.assert_level = (low >> 14) & 1;
    message.level_triggered = (low >> 15) & 1;
    message.shorthand = static_cast<DestinationShorthand>((low >> 18) & 3);
    message.destination = destination;
    message.x2apic_destination = x2apic;
    switch (message.delivery) {
    case DeliveryMode::fixed:
    case DeliveryMode::lowest_priority:
        if (message.vector < 16) {
            raise_error_locked(kEsrSendIllegalVector);
            return;
        }
        break;
    case DeliveryMode::init:
        // A de-assert only resynchronises arbitration IDs: nothing to send.
        if (message.level_triggered && !message.assert_level)
            return;
        break;
    case DeliveryMode::extint:
        log::debug("lapic {}: dropping an IPI with delivery mode {}", m_id, (low >> 8) & 7);
        return;
    default:
        break;
    }
    // Edge-triggered unless it is a level-triggered fixed IPI (which then wants an EOI broadcast).
    out.ipi = message;
}

u32 LocalApic::read_register(u32 offset) {
    Outbox out;
    u32 value;
    {
        std::lock_guard lock(m_mutex);
        value = read_register_locked(offset, m_now_ns());
        refresh_hint_locked(out);
    }
    flush(out);
    return value;
}

void LocalApic::write_register(u32 offset, u32 value) {
    Outbox out;
    {
        std::lock_guard lock(m_mutex);
        write_register_locked(offset, value, m_now_ns(), out);
        refresh_hint_locked(out);
    }
    flush(out);
}

void LocalApic::read(u64 offset, std::span<u8> data) {
    if (!mmio_enabled()) {
        std::ranges::fill(data, u8{0xFF});
        return;
    }
    if (data.size() != 4 || offset % 16 != 0 || offset >= kLength) {
        std::ranges::fill(data, u8{0});
        if (m_ignored.fetch_add(1, std::memory_order_relaxed) == 0)
            log::warn("lapic: ignoring {}-byte read at offset {:#x}", data.size(), offset);
        return;
    }
    store_le(data, read_register(static_cast<u32>(offset)));
}

void LocalApic::write(u64 offset, std::span<const u8> data) {
    if (!mmio_enabled())
        return;
    if (data.size() != 4 || offset % 16 != 0 || offset >= kLength) {
        if (m_ignored.fetch_add(1, std::memory_order_relaxed) == 0)
            log::warn("lapic: ignoring {}-byte write at offset {:#x}", data.size(), offset);
        return;
    }
    write_register(static_cast<u32>(offset), static_cast<u32>(load_le(data)));
}

// --- MSRs --------------------------------------------------------------------

std::optional<u64> LocalApic::read_msr(u32 index) {
    if (index == kMsrApicBase)
        return apic_base();
    Outbox out;
    std::optional<u64> value;
    {
        std::lock_guard lock(m_mutex);
        u64 now = m_now_ns();
        if (index == kMsrTscDeadline) {
            if (m_config.tsc_hz != 0) // else the CPU does not offer the MSR
                value = timer_mode_locked() == kTimerTscDeadline ? m_tsc_deadline : 0;
        } else if (index >= kMsrX2apicFirst && index <= kMsrX2apicLast && (m_base & kBaseX2apic)) {
            u32 offset = (index - kMsrX2apicFirst) << 4;
            switch (offset) {
            case kIcrLow:
                value = (u64{m_icr_high} << 32) | m_icr_low;
                break;
            case kApr: // no APR, RRD, DFR or ICR high in x2APIC mode
            case kRrd:
            case kDfr:
            case kIcrHigh:
            case kEoi: // write-only
            case kSelfIpi:
                break;
            default: {
                bool known = offset == kId || offset == kVersion || offset == kTpr || offset == kPpr ||
                             offset == kLdr || offset == kSvr || offset == kEsr ||
                             (offset >= kIsr && offset < kIrr + 0x80) ||
                             (offset >= kLvtTimer && offset <= kLvtError) || offset == kTimerInitial ||
                             offset == kTimerCurrent || offset == kTimerDivide;
                if (known)
                    value = read_register_locked(offset, now);
                break;
            }
            }
        }
        refresh_hint_locked(out);
    }
    flush(out);
    return value;
}

bool LocalApic::write_msr(u32 index, u64 value) {
    if (index == kMsrApicBase)
        return set_apic_base(value);
    Outbox out;
    bool ok = false;
    {
        std::lock_guard lock(m_mutex);
        u64 now = m_now_ns();
        if (index == kMsrTscDeadline) {
            ok = m_config.tsc_hz != 0;
            if (ok && timer_mode_locked() == kTimerTscDeadline) {
                m_tsc_deadline = value;
                arm_tsc_deadline_locked(now);
            }
        } else if (index >= kMsrX2apicFirst && index <= kMsrX2apicLast && (m_base & kBaseX2apic)) {
            u32 offset = (index - kMsrX2apicFirst) << 4;
            if (offset == kIcrLow) {
                ok = true;
                m_icr_high = static_cast<u32>(value >> 32);
                m_icr_low = static_cast<u32>(value) & kIcrLowWritable;
                send_icr_locked(m_icr_low, m_icr_high, true, out);
            } else if (value >> 32 == 0) {
                u32 v = static_cast<u32>(value);
                switch (offset) {
                case kEoi:
                    ok = v == 0;
                    if (ok)
                        eoi_locked(out);
                    break;
                case kSelfIpi:
                    ok = true;
                    send_icr_locked(v & 0xFF, 0, true, out);
                    if (out.ipi)
                        out.ipi->shorthand = DestinationShorthand::self;
                    break;
                case kEsr:
                    ok = v == 0;
                    if (ok)
                        write_register_locked(offset, v, now, out);
                    break;
                case kTpr:
                case kSvr:
                case kTimerInitial:
                case kTimerDivide:
                    ok = true;
                    write_register_locked(offset, v, now, out);
                    break;
                default:
                    if (offset >= kLvtTimer && offset <= kLvtError) {
                        ok = true;
                        write_register_locked(offset, v, now, out);
                    }
                    break; // read-only, reserved or absent: #GP
                }
            }
        }
        refresh_hint_locked(out);
    }
    flush(out);
    return ok;
}

// --- timer -------------------------------------------------------------------

u32 LocalApic::timer_mode_locked() const {
    return m_lvt[lvt_timer] & (3u << 17);
}

unsigned LocalApic::divide_shift_locked() const {
    // DCR bits 3,1,0: 000 = /2 ... 110 = /128, 111 = /1.
    u32 code = (m_timer_divide & 3) | ((m_timer_divide >> 1) & 4);
    return code == 7 ? 0 : code + 1;
}

u64 LocalApic::ticks_to_ns_locked(u64 ticks) const {
    return mul_div_ceil(ticks << divide_shift_locked(), kNsPerSecond, m_config.timer_hz);
}

u64 LocalApic::ns_to_ticks_locked(u64 ns) const {
    return mul_div(ns, m_config.timer_hz, kNsPerSecond) >> divide_shift_locked();
}

u64 LocalApic::period_ns_locked() const {
    u64 period = ticks_to_ns_locked(m_timer_initial);
    if (timer_mode_locked() == kTimerPeriodic)
        period = std::max(period, kMinPeriodNs);
    return period;
}

void LocalApic::start_counter_locked(u64 now, u64 elapsed_ticks) {
    m_counter_running = m_timer_initial != 0;
    if (!m_counter_running)
        return;
    m_counter_start_ns = now - ticks_to_ns_locked(elapsed_ticks);
    m_counter_deadline_ns = m_counter_start_ns + period_ns_locked();
}

u32 LocalApic::current_count_locked(u64 now) const {
    if (!m_counter_running || timer_mode_locked() == kTimerTscDeadline)
        return 0;
    u64 elapsed = now - m_counter_start_ns;
    if (timer_mode_locked() == kTimerPeriodic)
        elapsed %= period_ns_locked();
    u64 ticks = ns_to_ticks_locked(elapsed);
    return ticks >= m_timer_initial ? 0 : static_cast<u32>(m_timer_initial - ticks);
}

u64 LocalApic::tsc_at(u64 now) const {
    return mul_div(now - m_epoch_ns, m_config.tsc_hz, kNsPerSecond) + m_tsc_offset;
}

u64 LocalApic::tsc() const {
    std::lock_guard lock(m_mutex);
    return tsc_at(m_now_ns());
}

void LocalApic::arm_tsc_deadline_locked(u64 now) {
    if (m_tsc_deadline == 0)
        return;
    u64 tsc = tsc_at(now);
    m_tsc_deadline_ns = m_tsc_deadline <= tsc ? now : now + mul_div_ceil(m_tsc_deadline - tsc, kNsPerSecond, m_config.tsc_hz);
}

void LocalApic::set_tsc_offset(u64 offset) {
    std::lock_guard lock(m_mutex);
    m_tsc_offset = offset;
    arm_tsc_deadline_locked(m_now_ns());
}

void LocalApic::update_locked(u64 now) {
    u32 mode = timer_mode_locked();
    if (mode == kTimerTscDeadline) {
        if (m_tsc_deadline != 0 && now >= m_tsc_deadline_ns) {
            m_tsc_deadline = 0;
            deliver_lvt_locked(lvt_timer);
        }
        return;
    }
    if (!m_counter_running || now < m_counter_deadline_ns)
        return;
    deliver_lvt_locked(lvt_timer); // missed periods collapse into one interrupt
    if (mode == kTimerPeriodic) {
        u64 period = period_ns_locked();
        u64 periods = (now - m_counter_start_ns) / period + 1;
        m_counter_deadline_ns = m_counter_start_ns + periods * period;
    } else {
        m_counter_running = false;
    }
}

void LocalApic::update() {
    Outbox out;
    {
        std::lock_guard lock(m_mutex);
        update_locked(m_now_ns());
        refresh_hint_locked(out);
    }
    flush(out);
}

std::optional<u64> LocalApic::next_deadline_ns() const {
    std::lock_guard lock(m_mutex);
    if (timer_mode_locked() == kTimerTscDeadline)
        return m_tsc_deadline != 0 ? std::optional<u64>(m_tsc_deadline_ns) : std::nullopt;
    return m_counter_running ? std::optional<u64>(m_counter_deadline_ns) : std::nullopt;
}

} // namespace kite::devices
