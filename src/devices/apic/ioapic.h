#pragma once

#include "base/types.h"
#include "bus/bus_device.h"
#include "bus/irq_line.h"
#include "devices/apic/apic_bus.h"

#include <array>
#include <atomic>
#include <memory>
#include <mutex>

namespace kite::devices {

// An I/O APIC with 24 input pins (the 82093AA register model, version 0x20 as
// on ICH-era chipsets, which adds a directed EOI register). MMIO, 4-byte
// accesses:
//   0x00  IOREGSEL  index of the register IOWIN reaches (bits 7:0)
//   0x10  IOWIN     the selected register
//   0x40  EOI       writing a vector clears remote IRR of the level-triggered
//                   entries with that vector (version 0x20 only)
// Indirect registers: 0x00 ID (bits 27:24), 0x01 version (0x0017'0020: 24
// entries, version 0x20), 0x02 arbitration ID (reads the ID), 0x10 + 2n and
// 0x11 + 2n the low and high halves of redirection entry n: vector (7:0),
// delivery mode (10:8), destination mode (11), delivery status (12, always
// idle: delivery is immediate), polarity (13, 1 = active low), remote IRR (14),
// trigger mode (15, 1 = level), mask (16), destination (63:56). Entries reset
// masked.
//
// An edge-triggered pin sends a message on each asserting edge while unmasked
// (edges on a masked pin are lost). A level-triggered pin sends one while it
// is asserted, unmasked and remote IRR is clear, and sets remote IRR if an APIC
// accepted it; the EOI broadcast for its vector (or the EOI register) clears
// remote IRR and, if the pin is still asserted, sends again.
//
// Threading: one mutex guards every register and pin level. Messages are sent
// with it held (lock order: IOAPIC, then each local APIC's own lock), so the
// sink and whatever it calls must not call back into this IOAPIC. The EOI
// broadcast arrives without any local APIC lock held.
class Ioapic final : public BusDevice {
public:
    static constexpr u64 kDefaultBase = 0xFEC0'0000;
    static constexpr u64 kLength = 0x1000;
    static constexpr u32 kPins = 24;
    static constexpr u32 kVersion = 0x20;

    static constexpr u64 kRegSel = 0x00;
    static constexpr u64 kWindow = 0x10;
    static constexpr u64 kEoi = 0x40;

    static constexpr u32 kRegId = 0x00;
    static constexpr u32 kRegVersion = 0x01;
    static constexpr u32 kRegArbitration = 0x02;
    static constexpr u32 kRegRedirection = 0x10;

    static constexpr u64 kMasked = 1ull << 16;
    static constexpr u64 kLevelTriggered = 1ull << 15;
    static constexpr u64 kRemoteIrr = 1ull << 14;
    static constexpr u64 kActiveLow = 1ull << 13;
    static constexpr u64 kLogical = 1ull << 11;

    explicit Ioapic(ApicMessageSink& sink);
    // Detaches the lines handed out by irq_line(): later set_level calls do nothing.
    ~Ioapic() override;
    Ioapic(const Ioapic&) = delete;
    Ioapic& operator=(const Ioapic&) = delete;

    // Accesses other than 4 bytes at IOREGSEL, IOWIN or EOI read 0, are
    // dropped and counted (IOREGSEL also takes a 1-byte access).
    void read(u64 offset, std::span<u8> data) override;
    void write(u64 offset, std::span<const u8> data) override;

    // The input level of a pin (before the polarity inversion); pins >= kPins are ignored.
    void set_irq(u32 pin, bool level);
    // The line of a pin for a device to drive (the same object on every call);
    // nullptr for pin >= kPins.
    std::shared_ptr<IrqLine> irq_line(u32 pin);

    // The EOI broadcast of a local APIC (register it with ApicBus::add_eoi_listener).
    void end_of_interrupt(u8 vector);

    u64 redirection_entry(u32 pin) const;
    u64 ignored_access_count() const { return m_ignored.load(std::memory_order_relaxed); }

private:
    using PinLine = ControllerInputLine<Ioapic, &Ioapic::set_irq>;

    u32 read_indirect_locked(u32 index) const;
    void write_indirect_locked(u32 index, u32 value);
    bool asserted_locked(u32 pin) const;
    // Sends pin's message if its entry and level call for one now (level pins).
    void service_level_locked(u32 pin);
    void send_locked(u32 pin);
    void end_of_interrupt_locked(u8 vector);
    void note_ignored(const char* what, u64 offset, std::size_t width);

    ApicMessageSink& m_sink;
    std::array<std::shared_ptr<PinLine>, kPins> m_lines;

    mutable std::mutex m_mutex;
    u32 m_select{0};
    u32 m_id{0};
    std::array<u64, kPins> m_entries;
    std::array<bool, kPins> m_level{};
    std::atomic<u64> m_ignored{0};
};

} // namespace kite::devices
