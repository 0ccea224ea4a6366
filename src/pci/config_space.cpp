#include "pci/config_space.h"

#include "base/assert.h"
#include "base/le_bytes.h"

#include <algorithm>

namespace kite::pci {

namespace {
constexpr u16 kCapabilityAlign = 4;
}

ConfigSpace::ConfigSpace(const PciIdentity& identity) : m_identity(identity) {
    KITE_ASSERT(identity.interrupt_pin <= kPinIntD, "interrupt pin must be 0 (none) or 1-4 (INTA-INTD)");
    set16(reg::kVendorId, identity.vendor_id);
    set16(reg::kDeviceId, identity.device_id);
    m_bytes[reg::kRevisionId] = identity.revision;
    m_bytes[reg::kClassCode] = static_cast<u8>(identity.class_code);
    m_bytes[reg::kClassCode + 1] = static_cast<u8>(identity.class_code >> 8);
    m_bytes[reg::kClassCode + 2] = static_cast<u8>(identity.class_code >> 16);
    m_bytes[reg::kHeaderType] = 0x00; // type 0, single function
    set16(reg::kSubsystemVendorId, identity.subsystem_vendor_id);
    set16(reg::kSubsystemId, identity.subsystem_id);
    m_bytes[reg::kInterruptPin] = identity.interrupt_pin;

    set_mask16(m_writable, reg::kCommand, command::kWritable);
    set_mask16(m_write_one_to_clear, reg::kStatus, status::kWriteOneToClear);
    m_writable[reg::kCacheLineSize] = 0xFF; // no effect, but software may program it
    m_writable[reg::kInterruptLine] = 0xFF;
}

void ConfigSpace::read(u16 offset, std::span<u8> data) const {
    for (std::size_t i = 0; i < data.size(); ++i) {
        std::size_t at = std::size_t{offset} + i;
        data[i] = at < kConfigSpaceSize ? m_bytes[at] : 0;
    }
}

void ConfigSpace::write(u16 offset, std::span<const u8> data) {
    for (std::size_t i = 0; i < data.size(); ++i) {
        std::size_t at = std::size_t{offset} + i;
        if (at >= kConfigSpaceSize)
            break;
        const u8 value = data[i];
        u8 byte = static_cast<u8>((m_bytes[at] & ~m_writable[at]) | (value & m_writable[at]));
        byte = static_cast<u8>(byte & ~(value & m_write_one_to_clear[at]));
        m_bytes[at] = byte;
    }
}

void ConfigSpace::add_bar(u8 index, const BarLayout& layout) {
    KITE_ASSERT(index < kBarCount && index + layout.register_count() <= kBarCount, "BAR index out of range");
    KITE_ASSERT(layout.valid(), "BAR size must be a power of two within the kind's limits");
    for (unsigned i = 0; i < layout.register_count(); ++i)
        KITE_ASSERT(!m_bar_used[index + i], "BAR declared twice");
    for (unsigned i = 0; i < layout.register_count(); ++i)
        m_bar_used[index + i] = true;
    m_bars[index] = layout;

    const u16 at = static_cast<u16>(reg::kBar0 + 4 * index);
    const u64 mask = layout.writable_mask();
    set32(at, layout.type_bits());
    store_le(std::span(m_writable).subspan(at, 4), mask);
    if (layout.kind == BarKind::Memory64) {
        set32(static_cast<u16>(at + 4), 0);
        store_le(std::span(m_writable).subspan(at + 4, 4), mask >> 32);
    }
}

std::optional<BarInfo> ConfigSpace::bar(u8 index) const {
    if (index >= kBarCount || !m_bars[index])
        return std::nullopt;
    const BarLayout& layout = *m_bars[index];
    const u16 at = static_cast<u16>(reg::kBar0 + 4 * index);
    u64 raw = read32(at);
    if (layout.kind == BarKind::Memory64)
        raw |= static_cast<u64>(read32(static_cast<u16>(at + 4))) << 32;
    BarInfo info;
    info.index = index;
    info.kind = layout.kind;
    info.prefetchable = layout.prefetchable;
    info.size = layout.size;
    info.address = layout.address_of(raw);
    info.enabled = space_of(layout.kind) == PciSpace::Memory ? memory_enabled() : io_enabled();
    return info;
}

std::vector<BarInfo> ConfigSpace::bars() const {
    std::vector<BarInfo> out;
    for (u8 i = 0; i < kBarCount; ++i) {
        if (auto info = bar(i))
            out.push_back(*info);
    }
    return out;
}

u8 ConfigSpace::add_capability(u8 id, std::span<const u8> body) {
    const std::size_t length = 2 + body.size();
    KITE_ASSERT(m_next_capability + length <= kConfigSpaceSize, "capabilities overflow the config space");
    const u16 at = m_next_capability;
    m_bytes[at] = id;
    m_bytes[at + 1] = 0; // end of list until another one is appended
    std::ranges::copy(body, m_bytes.begin() + at + 2);
    if (m_last_capability == 0) {
        m_bytes[reg::kCapabilitiesPointer] = static_cast<u8>(at);
        set16(reg::kStatus, static_cast<u16>(status() | status::kCapabilitiesList));
    } else {
        m_bytes[m_last_capability + 1] = static_cast<u8>(at);
    }
    m_last_capability = at;
    m_next_capability =
        static_cast<u16>((at + length + kCapabilityAlign - 1) / kCapabilityAlign * kCapabilityAlign);
    return static_cast<u8>(at);
}

void ConfigSpace::set_writable(u16 offset, std::span<const u8> mask) {
    KITE_ASSERT(offset >= kFirstCapabilityOffset && offset + mask.size() <= kConfigSpaceSize,
                "only device-defined registers past the header may be made writable");
    std::ranges::copy(mask, m_writable.begin() + offset);
}

void ConfigSpace::store(u16 offset, std::span<const u8> data) {
    for (std::size_t i = 0; i < data.size() && offset + i < kConfigSpaceSize; ++i)
        m_bytes[offset + i] = data[i];
}

u8 ConfigSpace::read8(u16 offset) const {
    return offset < kConfigSpaceSize ? m_bytes[offset] : 0;
}

u16 ConfigSpace::read16(u16 offset) const {
    return static_cast<u16>(read8(offset) | read8(static_cast<u16>(offset + 1)) << 8);
}

u32 ConfigSpace::read32(u16 offset) const {
    return static_cast<u32>(read16(offset)) | static_cast<u32>(read16(static_cast<u16>(offset + 2))) << 16;
}

void ConfigSpace::set_interrupt_status(bool pending) {
    u16 value = status();
    value = pending ? static_cast<u16>(value | status::kInterruptStatus)
                    : static_cast<u16>(value & ~status::kInterruptStatus);
    set16(reg::kStatus, value);
}

void ConfigSpace::set16(u16 offset, u16 value) {
    store_le(std::span(m_bytes).subspan(offset, 2), value);
}

void ConfigSpace::set32(u16 offset, u32 value) {
    store_le(std::span(m_bytes).subspan(offset, 4), value);
}

void ConfigSpace::set_mask16(std::array<u8, kConfigSpaceSize>& masks, u16 offset, u16 value) {
    store_le(std::span(masks).subspan(offset, 2), value);
}

} // namespace kite::pci
