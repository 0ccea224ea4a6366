#include "pci/msix.h"

#include "base/assert.h"
#include "base/le_bytes.h"
#include "base/log.h"

#include <algorithm>
#include <array>

namespace kite::pci {

namespace {

bool valid_access(u64 offset, std::size_t size) {
    return (size == 4 || size == 8) && offset % size == 0;
}

bool inside(u64 offset, std::size_t size, u64 begin, u64 length) {
    return offset >= begin && offset - begin < length && size <= length - (offset - begin);
}

} // namespace

MsixTable::MsixTable(u16 vector_count, u8 bar, u64 table_offset, u64 pba_offset,
                     std::shared_ptr<MsiSink> sink)
    : m_bar(bar), m_table_offset(table_offset), m_pba_offset(pba_offset), m_sink(std::move(sink)),
      m_entries(vector_count), m_pba((vector_count + 63) / 64, 0) {
    KITE_ASSERT(vector_count >= 1 && vector_count <= kMaxVectors, "MSI-X needs 1 to 2048 vectors");
    KITE_ASSERT(bar < kBarCount && table_offset % 8 == 0 && pba_offset % 8 == 0,
                "MSI-X table or PBA misplaced");
    KITE_ASSERT(table_offset + table_size() <= pba_offset || pba_offset + pba_size() <= table_offset,
                "MSI-X table and PBA overlap");
}

u8 MsixTable::add_capability(ConfigSpace& config) {
    std::array<u8, 10> body{};
    store_le<u16>(body, 0, static_cast<u16>(m_entries.size() - 1));
    store_le<u32>(body, 2, static_cast<u32>(m_table_offset) | m_bar);
    store_le<u32>(body, 6, static_cast<u32>(m_pba_offset) | m_bar);
    m_capability = config.add_capability(kCapabilityId, body);
    const std::array<u8, 2> control_mask{0x00, static_cast<u8>((kEnable | kFunctionMask) >> 8)};
    config.set_writable(static_cast<u16>(m_capability + kMessageControl), control_mask);
    return static_cast<u8>(m_capability);
}

void MsixTable::control_written(const ConfigSpace& config) {
    const u16 control = config.read16(static_cast<u16>(m_capability + kMessageControl));
    m_enabled = (control & kEnable) != 0;
    m_function_masked = (control & kFunctionMask) != 0;
    release_pending();
}

bool MsixTable::masked(u16 vector) const {
    return vector < m_entries.size() && (m_entries[vector].control & kVectorMasked) != 0;
}

bool MsixTable::pending(u16 vector) const {
    return vector < m_entries.size() && ((m_pba[vector / 64] >> (vector % 64)) & 1) != 0;
}

void MsixTable::set_pending(u16 vector, bool pending) {
    const u64 bit = u64{1} << (vector % 64);
    m_pba[vector / 64] = pending ? m_pba[vector / 64] | bit : m_pba[vector / 64] & ~bit;
}

bool MsixTable::notify(u16 vector) {
    if (!m_enabled)
        return false;
    if (vector >= m_entries.size())
        return true;
    if (blocked(vector))
        set_pending(vector, true);
    else
        send(vector);
    return true;
}

void MsixTable::send(u16 vector) {
    const Entry& e = m_entries[vector];
    if (m_sink)
        m_sink->send_msi(u64{e.address_high} << 32 | e.address_low, e.data);
}

void MsixTable::release_pending() {
    for (u16 v = 0; v < m_entries.size(); ++v) {
        if (pending(v) && !blocked(v)) {
            set_pending(v, false);
            send(v);
        }
    }
}

u32 MsixTable::entry_dword(u16 vector, u64 field) const {
    const Entry& e = m_entries[vector];
    switch (field) {
    case kAddressLow:
        return e.address_low;
    case kAddressHigh:
        return e.address_high;
    case kData:
        return e.data;
    default:
        return e.control;
    }
}

void MsixTable::set_entry_dword(u16 vector, u64 field, u32 value) {
    Entry& e = m_entries[vector];
    switch (field) {
    case kAddressLow:
        e.address_low = value & ~u32{3}; // dword-aligned message address
        break;
    case kAddressHigh:
        e.address_high = value;
        break;
    case kData:
        e.data = value;
        break;
    default:
        e.control = value & kVectorMasked;
        if (pending(vector) && !blocked(vector)) {
            set_pending(vector, false);
            send(vector);
        }
        break;
    }
}

void MsixTable::ignore(const char* what, u64 offset, std::size_t size) {
    const u64 count = m_ignored.fetch_add(1, std::memory_order_relaxed) + 1;
    if (log::worth_logging(count))
        log::warn("msi-x: ignoring {} of {} bytes at BAR offset {:#x} (#{})", what, size, offset, count);
}

bool MsixTable::bar_read(u64 offset, std::span<u8> data) {
    const bool in_table = inside(offset, data.size(), m_table_offset, table_size());
    const bool in_pba = inside(offset, data.size(), m_pba_offset, pba_size());
    if (!in_table && !in_pba)
        return false;
    if (!valid_access(offset, data.size())) {
        std::ranges::fill(data, u8{0});
        ignore("read", offset, data.size());
        return true;
    }
    if (in_pba) {
        const u64 at = offset - m_pba_offset;
        store_le(data, m_pba[at / 8] >> (8 * (at % 8)));
        return true;
    }
    const u64 at = offset - m_table_offset;
    const auto vector = static_cast<u16>(at / kEntrySize);
    for (std::size_t i = 0; i < data.size(); i += 4)
        store_le<u32>(data, i, entry_dword(vector, at % kEntrySize + i));
    return true;
}

bool MsixTable::bar_write(u64 offset, std::span<const u8> data) {
    const bool in_table = inside(offset, data.size(), m_table_offset, table_size());
    const bool in_pba = inside(offset, data.size(), m_pba_offset, pba_size());
    if (!in_table && !in_pba)
        return false;
    if (in_pba || !valid_access(offset, data.size())) {
        ignore(in_pba ? "write to the PBA" : "write", offset, data.size());
        return true;
    }
    const u64 at = offset - m_table_offset;
    const auto vector = static_cast<u16>(at / kEntrySize);
    for (std::size_t i = 0; i < data.size(); i += 4)
        set_entry_dword(vector, at % kEntrySize + i, load_le<u32>(data, i));
    return true;
}

} // namespace kite::pci
