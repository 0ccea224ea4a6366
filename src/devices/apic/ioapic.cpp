#include "devices/apic/ioapic.h"

#include "base/le_bytes.h"
#include "base/log.h"

#include <algorithm>

namespace kite::devices {

namespace {

// Writable bits of a redirection entry: destination, mask, trigger mode,
// polarity, destination mode, delivery mode, vector.
constexpr u64 kEntryWritable = 0xFF00'0000'0001'AFFFull;

} // namespace

Ioapic::Ioapic(ApicMessageSink& sink) : m_sink(sink) {
    m_entries.fill(kMasked);
    for (u32 pin = 0; pin < kPins; ++pin)
        m_lines[pin] = std::make_shared<PinLine>(this, pin);
}

Ioapic::~Ioapic() {
    for (auto& line : m_lines)
        line->detach();
}

std::shared_ptr<IrqLine> Ioapic::irq_line(u32 pin) {
    return pin < kPins ? m_lines[pin] : nullptr;
}

u64 Ioapic::redirection_entry(u32 pin) const {
    std::lock_guard lock(m_mutex);
    return pin < kPins ? m_entries[pin] : 0;
}

void Ioapic::note_ignored(const char* what, u64 offset, std::size_t width) {
    if (m_ignored.fetch_add(1, std::memory_order_relaxed) == 0)
        log::warn("ioapic: ignoring {}-byte {} at offset {:#x}", width, what, offset);
}

void Ioapic::read(u64 offset, std::span<u8> data) {
    std::lock_guard lock(m_mutex);
    if (offset == kRegSel && (data.size() == 4 || data.size() == 1)) {
        store_le(data, m_select);
    } else if (offset == kWindow && data.size() == 4) {
        store_le(data, read_indirect_locked(m_select));
    } else {
        std::ranges::fill(data, u8{0}); // EOI is write-only
        note_ignored("read", offset, data.size());
    }
}

void Ioapic::write(u64 offset, std::span<const u8> data) {
    std::lock_guard lock(m_mutex);
    u32 value = static_cast<u32>(load_le(data));
    if (offset == kRegSel && (data.size() == 4 || data.size() == 1))
        m_select = value & 0xFF;
    else if (offset == kWindow && data.size() == 4)
        write_indirect_locked(m_select, value);
    else if (offset == kEoi && data.size() == 4)
        end_of_interrupt_locked(static_cast<u8>(value));
    else
        note_ignored("write", offset, data.size());
}

u32 Ioapic::read_indirect_locked(u32 index) const {
    switch (index) {
    case kRegId:
    case kRegArbitration:
        return m_id;
    case kRegVersion:
        return ((kPins - 1) << 16) | kVersion;
    default:
        break;
    }
    if (index >= kRegRedirection && index < kRegRedirection + 2 * kPins) {
        u64 entry = m_entries[(index - kRegRedirection) / 2];
        return static_cast<u32>(index & 1 ? entry >> 32 : entry);
    }
    return 0; // reserved
}

void Ioapic::write_indirect_locked(u32 index, u32 value) {
    if (index == kRegId) {
        m_id = value & 0x0F00'0000;
        return;
    }
    if (index < kRegRedirection || index >= kRegRedirection + 2 * kPins)
        return; // read-only or reserved
    u32 pin = (index - kRegRedirection) / 2;
    u64 entry = m_entries[pin];
    u64 written = index & 1 ? (u64{value} << 32) | (entry & 0xFFFF'FFFF) : (entry & ~u64{0xFFFF'FFFF}) | value;
    entry = (written & kEntryWritable) | (entry & kRemoteIrr);
    if (!(entry & kLevelTriggered))
        entry &= ~kRemoteIrr; // remote IRR only means something for level-triggered pins
    m_entries[pin] = entry;
    service_level_locked(pin); // an unmasked, asserted level pin delivers now
}

bool Ioapic::asserted_locked(u32 pin) const {
    return m_level[pin] != ((m_entries[pin] & kActiveLow) != 0);
}

void Ioapic::set_irq(u32 pin, bool level) {
    if (pin >= kPins)
        return;
    std::lock_guard lock(m_mutex);
    bool was = asserted_locked(pin);
    m_level[pin] = level;
    bool now = asserted_locked(pin);
    u64 entry = m_entries[pin];
    if (entry & kLevelTriggered)
        service_level_locked(pin);
    else if (now && !was && !(entry & kMasked))
        send_locked(pin);
}

void Ioapic::service_level_locked(u32 pin) {
    u64 entry = m_entries[pin];
    if ((entry & kLevelTriggered) && !(entry & (kMasked | kRemoteIrr)) && asserted_locked(pin))
        send_locked(pin);
}

void Ioapic::send_locked(u32 pin) {
    u64 entry = m_entries[pin];
    ApicMessage message;
    message.vector = static_cast<u8>(entry);
    message.delivery = static_cast<DeliveryMode>((entry >> 8) & 7);
    message.logical = (entry & kLogical) != 0;
    message.level_triggered = (entry & kLevelTriggered) != 0;
    message.destination = static_cast<u32>(entry >> 56);
    if (message.delivery == DeliveryMode::startup || ((entry >> 8) & 7) == 3) {
        log::debug("ioapic: pin {} has a reserved delivery mode; not sent", pin);
        return;
    }
    // NMI, SMI, INIT and ExtINT are edge-like at the APIC: only fixed and
    // lowest-priority interrupts wait for an EOI.
    bool eoi_tracked = message.level_triggered &&
                       (message.delivery == DeliveryMode::fixed || message.delivery == DeliveryMode::lowest_priority);
    if (!eoi_tracked)
        message.level_triggered = false;
    unsigned accepted = m_sink.send(message);
    if (eoi_tracked && accepted > 0)
        m_entries[pin] |= kRemoteIrr;
}

void Ioapic::end_of_interrupt_locked(u8 vector) {
    for (u32 pin = 0; pin < kPins; ++pin) {
        u64& entry = m_entries[pin];
        if ((entry & kRemoteIrr) && static_cast<u8>(entry) == vector) {
            entry &= ~kRemoteIrr;
            service_level_locked(pin);
        }
    }
}

void Ioapic::end_of_interrupt(u8 vector) {
    std::lock_guard lock(m_mutex);
    end_of_interrupt_locked(vector);
}

} // namespace kite::devices
