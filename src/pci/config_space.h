#pragma once

#include "base/types.h"
#include "pci/bar.h"
#include "pci/pci_regs.h"

#include <array>
#include <optional>
#include <span>
#include <vector>

namespace kite::pci {

// What identifies a function in its configuration header.
struct PciIdentity {
    u16 vendor_id{0};
    u16 device_id{0};
    u32 class_code{0}; // base class << 16 | subclass << 8 | programming interface
    u8 revision{0};
    u16 subsystem_vendor_id{0};
    u16 subsystem_id{0};
    u8 interrupt_pin{kPinNone}; // 0 none, 1-4 INTA-INTD
};

// The 256-byte configuration space of one type-0 function. Every byte has a
// mask of software-writable bits and a mask of write-1-to-clear bits, which
// together give the header its semantics: read-only IDs, the command register,
// the status register's error bits, the BARs' sizing protocol (see BarLayout)
// and the interrupt line. The capability list is built with add_capability().
//
// Plain data: not thread-safe; the owning device serialises accesses.
class ConfigSpace {
public:
    explicit ConfigSpace(const PciIdentity& identity);

    // Software accesses (config cycles). Bytes past kConfigSpaceSize read as 0
    // and ignore writes (a conventional function under ECAM).
    void read(u16 offset, std::span<u8> data) const;
    void write(u16 offset, std::span<const u8> data);

    // Declares BAR `index` (and index+1 for a 64-bit one). Board-time only; a
    // bad index, overlap or layout is a programming error.
    void add_bar(u8 index, const BarLayout& layout);
    std::optional<BarInfo> bar(u8 index) const;
    // The declared BARs with their current programming, by index.
    std::vector<BarInfo> bars() const;

    // Appends a capability: `id`, the next pointer, then `body`; 4-byte
    // aligned from 0x40 and chained from the capabilities pointer. Returns its
    // offset. Running out of space is a programming error. The body is
    // read-only unless set_writable() says otherwise.
    u8 add_capability(u8 id, std::span<const u8> body);
    // Makes the bits of `mask` writable from `offset` on (device-defined registers).
    void set_writable(u16 offset, std::span<const u8> mask);

    // Device-side write: no masks, no side effects (reads need none: read()).
    void store(u16 offset, std::span<const u8> data);
    u8 read8(u16 offset) const;
    u16 read16(u16 offset) const;
    u32 read32(u16 offset) const;

    const PciIdentity& identity() const { return m_identity; }
    u16 command() const { return read16(reg::kCommand); }
    u16 status() const { return read16(reg::kStatus); }
    bool io_enabled() const { return (command() & command::kIoSpace) != 0; }
    bool memory_enabled() const { return (command() & command::kMemorySpace) != 0; }
    bool bus_master() const { return (command() & command::kBusMaster) != 0; }
    bool intx_disabled() const { return (command() & command::kIntxDisable) != 0; }
    // The status register's Interrupt Status bit: the function wants its INTx
    // pin asserted (whether or not INTx Disable masks it).
    bool interrupt_status() const { return (status() & status::kInterruptStatus) != 0; }
    void set_interrupt_status(bool pending);
    u8 interrupt_line() const { return read8(reg::kInterruptLine); }
    u8 interrupt_pin() const { return read8(reg::kInterruptPin); }

private:
    void set16(u16 offset, u16 value);
    void set32(u16 offset, u32 value);
    void set_mask16(std::array<u8, kConfigSpaceSize>& masks, u16 offset, u16 value);

    PciIdentity m_identity;
    std::array<u8, kConfigSpaceSize> m_bytes{};
    std::array<u8, kConfigSpaceSize> m_writable{};
    std::array<u8, kConfigSpaceSize> m_write_one_to_clear{};
    std::array<std::optional<BarLayout>, kBarCount> m_bars{};
    std::array<bool, kBarCount> m_bar_used{}; // including the upper half of a 64-bit pair
    u16 m_last_capability{0};
    u16 m_next_capability{kFirstCapabilityOffset};
};

} // namespace kite::pci
