#pragma once

#include "base/types.h"
#include "pci/config_space.h"
#include "pci/msi_sink.h"

#include <atomic>
#include <memory>
#include <span>
#include <vector>

namespace kite::pci {

// A function's MSI-X capability (PCI Local Bus 3.0, 6.8.2) with its vector
// table and pending bit array, both inside one of the function's memory BARs:
//   capability: Message Control (table size - 1, Function Mask bit 14,
//               MSI-X Enable bit 15), Table Offset/BIR, PBA Offset/BIR
//   table entry n at table_offset + 16n: address low, address high, data,
//               vector control (bit 0 masks the vector; set at reset)
//   PBA: bit n pending for vector n, read-only
// notify() sends a vector's message to the MsiSink, or sets its pending bit
// while the vector or the whole function is masked; unmasking sends what is
// pending and clears its bit. While MSI-X is disabled notify() does nothing
// and says so, and the function interrupts through INTx instead.
//
// The table and PBA take aligned dword and qword accesses; others read zero,
// are dropped and counted. Plain data, like ConfigSpace: the owning device
// serialises calls (and the sink is called with its lock held).
class MsixTable {
public:
    static constexpr u8 kCapabilityId = 0x11;
    static constexpr u16 kMaxVectors = 2048;
    static constexpr u64 kEntrySize = 16;
    // Offsets in the capability (from its ID byte).
    static constexpr u16 kMessageControl = 2;
    static constexpr u16 kTableOffsetBir = 4;
    static constexpr u16 kPbaOffsetBir = 8;
    static constexpr u16 kEnable = u16{1} << 15;
    static constexpr u16 kFunctionMask = u16{1} << 14;
    // Offsets in a table entry.
    static constexpr u64 kAddressLow = 0;
    static constexpr u64 kAddressHigh = 4;
    static constexpr u64 kData = 8;
    static constexpr u64 kVectorControl = 12;
    static constexpr u32 kVectorMasked = 1;

    // `vector_count` vectors (1-2048) with the table at `table_offset` and the
    // PBA at `pba_offset` (both 8-byte aligned, not overlapping) of BAR `bar`.
    MsixTable(u16 vector_count, u8 bar, u64 table_offset, u64 pba_offset, std::shared_ptr<MsiSink> sink);

    // Appends the capability to `config` (board time). Returns its offset.
    u8 add_capability(ConfigSpace& config);
    // Re-reads Message Control after a config write and sends what an
    // enable or a cleared Function Mask released.
    void control_written(const ConfigSpace& config);

    u16 vector_count() const { return static_cast<u16>(m_entries.size()); }
    u8 bar() const { return m_bar; }
    u64 table_size() const { return m_entries.size() * kEntrySize; }
    u64 pba_size() const { return (m_entries.size() + 63) / 64 * 8; }
    bool enabled() const { return m_enabled; }
    bool function_masked() const { return m_function_masked; }
    bool masked(u16 vector) const;
    bool pending(u16 vector) const;

    // Signals `vector`. False when MSI-X is disabled (the caller uses INTx);
    // true otherwise, including for a vector beyond the table (dropped).
    bool notify(u16 vector);

    // An access at `offset` in the BAR: false if it is outside the table and the PBA.
    bool bar_read(u64 offset, std::span<u8> data);
    bool bar_write(u64 offset, std::span<const u8> data);

    u64 ignored_access_count() const { return m_ignored.load(std::memory_order_relaxed); }

private:
    struct Entry {
        u32 address_low{0};
        u32 address_high{0};
        u32 data{0};
        u32 control{kVectorMasked};
    };

    u32 entry_dword(u16 vector, u64 field) const;
    void set_entry_dword(u16 vector, u64 field, u32 value);
    bool blocked(u16 vector) const { return !m_enabled || m_function_masked || masked(vector); }
    void send(u16 vector);
    void set_pending(u16 vector, bool pending);
    void release_pending();
    void ignore(const char* what, u64 offset, std::size_t size);

    u8 m_bar;
    u64 m_table_offset;
    u64 m_pba_offset;
    std::shared_ptr<MsiSink> m_sink;
    std::vector<Entry> m_entries;
    std::vector<u64> m_pba;
    u16 m_capability{0};
    bool m_enabled{false};
    bool m_function_masked{false};
    std::atomic<u64> m_ignored{0};
};

} // namespace kite::pci
